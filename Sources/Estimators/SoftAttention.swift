import Foundation
import NumericsCore

/// SOFT, softmax-free attention by a Nyström approximation of a Gaussian kernel with the query
/// and key maps tied (Lu et al., NeurIPS 2021, arXiv 2110.11945):
///
///     S_ij = k(qᵢ, qⱼ) = exp(−β‖qᵢ − qⱼ‖²/2)          (β in the role of 1/√d)
///     target  O = (1/N)·S·V                           (no row normalisation: softmax-free)
///     K₁ = k(Q, Q̃) (N×m),  K₂ = k(Q̃, Q̃) (m×m),  Ŝ = K₁ K₂⁺ K₁ᵀ,
///     estimate Ô = (1/N)·K₁ (K₂⁺ (K₁ᵀ V))             (never forms an N×N matrix)
///
/// S is symmetric positive definite with unit diagonal. The keys of ``AttentionInputs`` are
/// ignored (Q = K tying), and so is the normalisation: ``exactTarget(_:)`` is the Gaussian-kernel
/// output above, not softmax attention. Landmarks Q̃ come from ``LandmarkSelection``; K₂⁺ is the
/// ``NewtonSchulzInverse`` (SOFT's choice: iterations and ridge are parameters) or the exact
/// Moore–Penrose pseudo-inverse by LAPACK's SVD (the reference). With the exact pseudo-inverse,
/// S − Ŝ is positive semidefinite (a Schur complement) and Ŝ is exact when the landmarks are the
/// tokens. If LAPACK fails the output is NaN (a numerical outcome, reported, never a crash).
///
/// Complexity O(N·m·(d_k + d_v) + m²·d_k + m³) time, O(N·m) memory.
public struct SoftAttention: AttentionEstimator, FlopCounting {
    public enum Inverse: Sendable, Equatable {
        case newtonSchulz(NewtonSchulzInverse)
        /// Singular values below relativeCutoff·σ₁ are dropped (nil: max(m, m)·ε).
        case pseudoInverse(relativeCutoff: Double?)
    }

    public let landmarks: Int
    public let selection: LandmarkSelection
    public let inverse: Inverse

    public init(landmarks: Int, selection: LandmarkSelection = .segmentMeans,
                inverse: Inverse = .newtonSchulz(NewtonSchulzInverse())) {
        precondition(landmarks >= 1, "SOFT needs m ≥ 1 landmarks (got \(landmarks))")
        self.landmarks = landmarks
        self.selection = selection
        self.inverse = inverse
    }

    /// "soft" (segment means, Newton–Schulz), "soft-svd", "soft-strided-svd", "soft-random-svd", ….
    public var name: String {
        let strategy: String
        switch selection {
        case .segmentMeans: strategy = ""
        case .strided: strategy = "-strided"
        case .uniformSubset: strategy = "-random"
        }
        if case .pseudoInverse = inverse { return "soft" + strategy + "-svd" }
        return "soft" + strategy
    }

    public var size: Double? { Double(landmarks) }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { false }
    /// Kernel evaluations per token: m (row of K₁) + m²/N (share of K₂).
    public func expectedCost(tokens n: Int) -> Double { Double(landmarks) + Double(landmarks * landmarks) / Double(n) }

    public func flops(tokens n: Int, keyDimension dk: Int, valueDimension dv: Int) -> Double {
        let n = Double(n), m = Double(landmarks), dk = Double(dk), dv = Double(dv)
        let kernels = (n * m + m * m) * (2 * dk + 1)
        let inversion: Double
        switch inverse {
        case .newtonSchulz(let ns): inversion = 4 * m * m * m * Double(ns.iterations)
        case .pseudoInverse: inversion = 24 * m * m * m
        }
        return kernels + inversion + 4 * n * m * dv + 2 * m * m * dv
    }

    /// The Gaussian-kernel attention (1/N)·S·V, in row blocks (O(N·b) memory). O(N²(d_k + d_v)).
    public func exactTarget(_ inputs: AttentionInputs) -> Matrix {
        Self.exactGaussianAttention(queries: inputs.queries, values: inputs.values, beta: inputs.beta)
    }

    /// k(a, b) = exp(−β‖a − b‖²/2) for all rows a of `a` and b of `b` (one GEMM).
    public static func kernel(_ a: Matrix, _ b: Matrix, beta: Double) -> Matrix {
        precondition(a.columns == b.columns, "kernel: dimensions \(a.columns) and \(b.columns)")
        var g = Matrix(rows: a.rows, columns: b.rows)
        BLAS.gemm(a, b, transposeB: true, into: &g)
        let na = squaredRowNorms(a), nb = squaredRowNorms(b)
        for i in 0..<a.rows {
            for j in 0..<b.rows {
                g[i, j] = exp(-0.5 * beta * max(0, na[i] + nb[j] - 2 * g[i, j]))
            }
        }
        return g
    }

    static func squaredRowNorms(_ x: Matrix) -> [Double] {
        (0..<x.rows).map { i in (0..<x.columns).reduce(0.0) { $0 + x[i, $1] * x[i, $1] } }
    }

    /// (1/N)·S·V with S = kernel(Q, Q), computed in blocks of 256 rows.
    public static func exactGaussianAttention(queries q: Matrix, values v: Matrix, beta: Double) -> Matrix {
        let n = q.rows, d = q.columns, block = 256
        var out = Matrix(rows: n, columns: v.columns)
        var first = 0
        while first < n {
            let rows = min(block, n - first)
            let part = Matrix(rows: rows, columns: d, elements: Array(q.elements[(first * d)..<((first + rows) * d)]))
            var s = kernel(part, q, beta: beta)
            for e in s.elements.indices { s.elements[e] /= Double(n) }
            let o = BLAS.product(s, v)
            out.elements.replaceSubrange((first * v.columns)..<((first + rows) * v.columns), with: o.elements)
            first += rows
        }
        return out
    }

    /// The landmark factors K₁ (N×m) and K₂ (m×m) for these inputs.
    public func factors(_ inputs: AttentionInputs, stream: RandomStream) -> (k1: Matrix, k2: Matrix) {
        let q = inputs.queries
        precondition(landmarks <= q.rows, "SOFT: m = \(landmarks) landmarks for N = \(q.rows) tokens")
        let land = selection.landmarks(of: q, count: landmarks, stream: stream)
        return (Self.kernel(q, land, beta: inputs.beta), Self.kernel(land, land, beta: inputs.beta))
    }

    /// K₂⁺ by the configured method, or nil when LAPACK fails.
    public func invert(_ k2: Matrix) -> Matrix? {
        switch inverse {
        case .newtonSchulz(let ns): return ns.inverse(of: k2)
        case .pseudoInverse(let cutoff): return try? SingularValueDecomposition.pseudoInverse(k2, relativeCutoff: cutoff)
        }
    }

    /// Ŝ = K₁ K₂⁺ K₁ᵀ as a dense N×N matrix (for checks at small N; the estimator never forms it).
    public func approximateKernel(_ inputs: AttentionInputs, stream: RandomStream) -> Matrix {
        let (k1, k2) = factors(inputs, stream: stream)
        guard let inv = invert(k2) else { return Matrix(rows: k1.rows, columns: k1.rows, repeating: .nan) }
        return BLAS.product(BLAS.product(k1, inv), k1, transposeB: true)
    }

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        let n = inputs.tokens
        precondition(out.rows == n && out.columns == inputs.valueDimension, "SOFT: output shape")
        let (k1, k2) = factors(inputs, stream: stream)
        guard let inv = invert(k2) else {
            for e in out.elements.indices { out.elements[e] = .nan }
            return
        }
        let projected = BLAS.product(k1, transposeA: true, inputs.values)   // K₁ᵀV, m×d_v
        let mixed = BLAS.product(inv, projected)                           // K₂⁺(K₁ᵀV)
        BLAS.gemm(k1, mixed, alpha: 1 / Double(n), into: &out)
    }
}
