import NumericsCore

/// The Newton–Schulz iteration for the inverse of a symmetric positive definite matrix, as SOFT
/// uses it (arXiv 2110.11945, Alg. 1):
///
///     P = K + ρI,   α = 0.9 · 2/‖K‖²_∞,   V₀ = αP,   V_{k+1} = 2V_k − V_k P V_k.
///
/// The residual E_k = I − V_k P satisfies E_{k+1} = E_k² exactly (so ‖E_k‖₂ squares each
/// iteration once ‖E₀‖₂ < 1); with λ_min the smallest eigenvalue of P the iterations needed for
/// ‖E‖ ≤ ε are ≈ log₂(ln(1/ε)/(αλ_min²)). Twenty iterations leave a large error when
/// cond(P) ≳ 10³: use ``SingularValueDecomposition/pseudoInverse(_:relativeCutoff:)`` as the
/// reference. (‖·‖_∞ is the maximum absolute row sum, ≥ ‖K‖₂, so α‖P‖₂² < 2 for small ρ.)
///
/// Complexity: 2 GEMMs of m×m per iteration, 4·m³ flops each iteration.
public struct NewtonSchulzInverse: Sendable, Codable, Equatable {
    public var iterations: Int
    /// ρ, added to the diagonal before inverting.
    public var ridge: Double
    /// The 0.9 safety factor in α.
    public var stepFactor: Double

    /// Defaults from SOFT's release: 20 iterations, ρ = 0.01, factor 0.9.
    public init(iterations: Int = 20, ridge: Double = 0.01, stepFactor: Double = 0.9) {
        precondition(iterations >= 0 && ridge >= 0 && ridge.isFinite && stepFactor > 0 && stepFactor < 1,
                     "Newton–Schulz: iterations \(iterations), ridge \(ridge), step factor \(stepFactor)")
        self.iterations = iterations
        self.ridge = ridge
        self.stepFactor = stepFactor
    }

    /// ‖K‖_∞ = max_i Σ_j |K_ij|.
    public static func infinityNorm(_ k: Matrix) -> Double {
        (0..<k.rows).map { i in (0..<k.columns).reduce(0.0) { $0 + abs(k[i, $1]) } }.max() ?? 0
    }

    /// V_K ≈ (K + ρI)⁻¹.
    public func inverse(of k: Matrix) -> Matrix { run(k, recordResiduals: false).inverse }

    /// V_K and, if asked, the residual norms ‖E_k‖₂ = ‖I − V_k P‖₂ for k = 0…K (spectral norm by
    /// SVD; NaN where LAPACK fails).
    public func run(_ k: Matrix, recordResiduals: Bool) -> (inverse: Matrix, residuals: [Double]) {
        precondition(k.rows == k.columns, "Newton–Schulz needs a square matrix")
        let m = k.rows
        var p = k
        for i in 0..<m { p[i, i] += ridge }
        let norm = Self.infinityNorm(k)
        let alpha = norm > 0 ? stepFactor * 2 / (norm * norm) : 1
        var v = p
        for e in v.elements.indices { v.elements[e] *= alpha }
        var vp = Matrix(rows: m, columns: m), next = Matrix(rows: m, columns: m)
        var residuals: [Double] = []
        func residual() {
            BLAS.gemm(v, p, into: &vp)
            var e = vp
            for x in e.elements.indices { e.elements[x] = -e.elements[x] }
            for i in 0..<m { e[i, i] += 1 }
            residuals.append((try? SingularValueDecomposition.spectralNorm(e)) ?? .nan)
        }
        if recordResiduals { residual() }
        for _ in 0..<iterations {
            BLAS.gemm(v, p, into: &vp)
            next = v
            BLAS.gemm(vp, v, alpha: -1, beta: 2, into: &next)   // 2V − (VP)V
            swap(&v, &next)
            if recordResiduals { residual() }
        }
        return (v, residuals)
    }
}
