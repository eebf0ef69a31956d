import NumericsCore

/// Nyströmformer's iterative Moore–Penrose pseudo-inverse (Xiong et al., AAAI 2021,
/// arXiv 2102.03902, Eq. 10; after Razavi et al. 2014):
///
///     Z₀ = Aᵀ/(‖A‖₁‖A‖_∞),   Z_{k+1} = ¼ Z_k (13I − AZ_k (15I − AZ_k (7I − AZ_k))).
///
/// With E_k = I − AZ_k one step gives E_{k+1} = ¼ E_k³ (3I + E_k) exactly, so the iteration
/// converges with order 3 once ‖E_k‖ < 1. Every Z_k is Aᵀ·p(AAᵀ) for a polynomial p, hence E_k is
/// symmetric and ‖E_{k+1}‖₂ = ¼‖E_k‖₂³(3 + ‖E_k‖₂) whenever the spectrum of E_k lies in [0, 1).
/// When A is (nearly) singular, ‖I − AZ‖ stalls near 1 and the Penrose residual
/// ‖AZA − A‖_F/‖A‖_F measures convergence instead.
///
/// Complexity: 4 GEMMs of m×m per iteration (8m³ flops).
public struct CubicPseudoInverseIteration: Sendable, Codable, Equatable {
    public var iterations: Int

    /// Nyströmformer's default: 6 iterations.
    public init(iterations: Int = 6) {
        precondition(iterations >= 0, "iterations = \(iterations)")
        self.iterations = iterations
    }

    /// Z₀ = Aᵀ/(‖A‖₁‖A‖_∞) (max column sum times max row sum).
    public static func initialGuess(_ a: Matrix) -> Matrix {
        let rowSum = (0..<a.rows).map { i in (0..<a.columns).reduce(0.0) { $0 + abs(a[i, $1]) } }.max() ?? 0
        let columnSum = (0..<a.columns).map { j in (0..<a.rows).reduce(0.0) { $0 + abs(a[$1, j]) } }.max() ?? 0
        var z = a.transposed
        let scale = rowSum * columnSum > 0 ? 1 / (rowSum * columnSum) : 0
        for e in z.elements.indices { z.elements[e] *= scale }
        return z
    }

    /// Z_K ≈ A⁺.
    public func pseudoInverse(of a: Matrix) -> Matrix { run(a, recordResiduals: false).inverse }

    /// The m×m buffers of ``pseudoInverse(of:into:scratch:)``.
    public struct Scratch: Sendable {
        var x = Matrix(rows: 0, columns: 0), y = Matrix(rows: 0, columns: 0)
        var t = Matrix(rows: 0, columns: 0), next = Matrix(rows: 0, columns: 0)
        public init() {}
    }

    /// Z_K ≈ A⁺ into `z`, the matrix of ``pseudoInverse(of:)`` (the same operations in the same
    /// order), with no allocation once `z` and `scratch` hold m×m matrices.
    public func pseudoInverse(of a: Matrix, into z: inout Matrix, scratch: inout Scratch) {
        precondition(a.rows == a.columns, "the cubic iteration needs a square matrix")
        let m = a.rows
        AttentionWorkspace.resize(&scratch.x, rows: m, columns: m)
        AttentionWorkspace.resize(&scratch.y, rows: m, columns: m)
        AttentionWorkspace.resize(&scratch.t, rows: m, columns: m)
        AttentionWorkspace.resize(&scratch.next, rows: m, columns: m)
        AttentionWorkspace.resize(&z, rows: m, columns: m)
        // Z₀ = Aᵀ/(‖A‖₁‖A‖_∞), with the sums and maxima of initialGuess (Array.max keeps the first
        // of equal values and skips a later NaN).
        var rowSum = 0.0, columnSum = 0.0
        for i in 0..<m {
            var sum = 0.0
            for j in 0..<m { sum += abs(a[i, j]) }
            if i == 0 || rowSum < sum { rowSum = sum }
        }
        for j in 0..<m {
            var sum = 0.0
            for i in 0..<m { sum += abs(a[i, j]) }
            if j == 0 || columnSum < sum { columnSum = sum }
        }
        let scale = rowSum * columnSum > 0 ? 1 / (rowSum * columnSum) : 0
        for i in 0..<m { for j in 0..<m { z[j, i] = a[i, j] } }
        for e in 0..<(m * m) { z.elements[e] *= scale }
        for _ in 0..<iterations {
            BLAS.gemm(a, z, into: &scratch.x)                                   // X = AZ
            for e in 0..<(m * m) { scratch.y.elements[e] = -scratch.x.elements[e] }
            for i in 0..<m { scratch.y[i, i] += 7 }                             // 7I − X
            for e in 0..<(m * m) { scratch.t.elements[e] = 0 }
            for i in 0..<m { scratch.t[i, i] = 15 }
            BLAS.gemm(scratch.x, scratch.y, alpha: -1, beta: 1, into: &scratch.t)   // 15I − X(7I − X)
            for e in 0..<(m * m) { scratch.y.elements[e] = 0 }
            for i in 0..<m { scratch.y[i, i] = 13 }
            BLAS.gemm(scratch.x, scratch.t, alpha: -1, beta: 1, into: &scratch.y)   // 13I − X(15I − X(7I − X))
            BLAS.gemm(z, scratch.y, alpha: 0.25, into: &scratch.next)
            swap(&z, &scratch.next)
        }
    }

    /// Z_K and, if asked, for k = 0…K the residuals ‖I − AZ_k‖₂ (spectral norm by SVD) and the
    /// relative Penrose residuals ‖AZ_kA − A‖_F/‖A‖_F.
    public func run(_ a: Matrix, recordResiduals: Bool) -> (inverse: Matrix, residuals: [Double], penrose: [Double]) {
        precondition(a.rows == a.columns, "the cubic iteration needs a square matrix")
        let m = a.rows
        var z = Self.initialGuess(a)
        var x = Matrix(rows: m, columns: m), y = Matrix(rows: m, columns: m), t = Matrix(rows: m, columns: m)
        var residuals: [Double] = [], penrose: [Double] = []
        let aNorm = a.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
        func record() {
            BLAS.gemm(a, z, into: &x)
            var e = x
            for k in e.elements.indices { e.elements[k] = -e.elements[k] }
            for i in 0..<m { e[i, i] += 1 }
            residuals.append((try? SingularValueDecomposition.spectralNorm(e)) ?? .nan)
            let aza = BLAS.product(x, a)
            let diff = zip(aza.elements, a.elements).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            penrose.append(aNorm > 0 ? diff / aNorm : diff)
        }
        if recordResiduals { record() }
        for _ in 0..<iterations {
            BLAS.gemm(a, z, into: &x)                        // X = AZ
            y = x
            for k in y.elements.indices { y.elements[k] = -y.elements[k] }
            for i in 0..<m { y[i, i] += 7 }                  // 7I − X
            t = Matrix.identity(m)
            for i in 0..<m { t[i, i] = 15 }
            BLAS.gemm(x, y, alpha: -1, beta: 1, into: &t)    // 15I − X(7I − X)
            y = Matrix.identity(m)
            for i in 0..<m { y[i, i] = 13 }
            BLAS.gemm(x, t, alpha: -1, beta: 1, into: &y)    // 13I − X(15I − X(7I − X))
            var next = Matrix(rows: m, columns: m)
            BLAS.gemm(z, y, alpha: 0.25, into: &next)
            z = next
            if recordResiduals { record() }
        }
        return (z, residuals, penrose)
    }
}
