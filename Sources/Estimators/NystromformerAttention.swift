import Foundation
import NumericsCore

/// Nyströmformer (Xiong et al., AAAI 2021, arXiv 2102.03902): landmarks Q̃, K̃ are the
/// means of m contiguous segments of the queries and keys, and
///
///     F = softmax(β Q K̃ᵀ) (N×m),  A = softmax(β Q̃ K̃ᵀ) (m×m),  B = softmax(β Q̃ Kᵀ) (m×N),
///     Ô = F · Z · (B V),   Z ≈ A⁺ by ``CubicPseudoInverseIteration``,
///
/// with row-wise softmax (max-shifted). For the mean-field normalisation the same construction
/// with unnormalised kernels, F = exp(β Q K̃ᵀ) etc. and Ô = (1/N)·F Z (B V), is the Nyström
/// approximation of (1/N)·exp(β QKᵀ)·V. Deterministic (no variance); exact when every query and
/// key is its own landmark (m = N) and Z = A⁺. On i.i.d. tokens the segment means collapse towards
/// the global mean and A is nearly rank one: accuracy then stalls whatever the iteration count.
///
/// Complexity O(N·m·(d_k + d_v) + m³·iterations) time, O(N·m) memory.
public struct NystromformerAttention: AttentionEstimator, FlopCounting {
    public let landmarks: Int
    public let pseudoInverse: CubicPseudoInverseIteration

    public init(landmarks: Int, pseudoInverse: CubicPseudoInverseIteration = CubicPseudoInverseIteration()) {
        precondition(landmarks >= 1, "Nyströmformer needs m ≥ 1 landmarks (got \(landmarks))")
        self.landmarks = landmarks
        self.pseudoInverse = pseudoInverse
    }

    public var name: String { "nystromformer" }
    public var size: Double? { Double(landmarks) }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { false }
    /// Scores per token: m (row of F) + m (column of B) + m²/N (share of A).
    public func expectedCost(tokens n: Int) -> Double { 2 * Double(landmarks) + Double(landmarks * landmarks) / Double(n) }

    public func flops(tokens n: Int, keyDimension dk: Int, valueDimension dv: Int) -> Double {
        let n = Double(n), m = Double(landmarks), dk = Double(dk), dv = Double(dv)
        return (2 * n * m + m * m) * (2 * dk + 2) + 8 * m * m * m * Double(pseudoInverse.iterations)
            + 4 * n * m * dv + 2 * m * m * dv
    }

    /// exp(β·a·bᵀ) with rows softmax-normalised (max-shifted), or unnormalised for mean-field.
    static func scores(_ a: Matrix, _ b: Matrix, beta: Double, softmax: Bool) -> Matrix {
        var s = Matrix(rows: a.rows, columns: b.rows)
        scores(a, b, beta: beta, softmax: softmax, into: &s)
        return s
    }

    /// ``scores(_:_:beta:softmax:)`` into `s` (no allocation once it has the shape).
    static func scores(_ a: Matrix, _ b: Matrix, beta: Double, softmax: Bool, into s: inout Matrix) {
        AttentionWorkspace.resize(&s, rows: a.rows, columns: b.rows)
        BLAS.gemm(a, b, transposeB: true, alpha: beta, into: &s)
        let c = s.columns
        s.elements.withUnsafeMutableBufferPointer { e in
            for i in 0..<s.rows {
                if softmax {
                    var shift = -Double.infinity
                    for j in 0..<c { shift = max(shift, e[i * c + j]) }
                    var total = 0.0
                    for j in 0..<c { e[i * c + j] = exp(e[i * c + j] - shift); total += e[i * c + j] }
                    for j in 0..<c { e[i * c + j] /= total }
                } else {
                    for j in 0..<c { e[i * c + j] = exp(e[i * c + j]) }
                }
            }
        }
    }

    /// F (N×m), A (m×m) and B (m×N) for these inputs.
    public func factors(_ inputs: AttentionInputs) -> (f: Matrix, a: Matrix, b: Matrix) {
        precondition(landmarks <= inputs.tokens, "Nyströmformer: m = \(landmarks) landmarks for N = \(inputs.tokens) tokens")
        let softmax = inputs.normalization == .softmax
        let unused = RandomStream(seed: 0, purpose: .estimatorDraws)
        let ql = LandmarkSelection.segmentMeans.landmarks(of: inputs.queries, count: landmarks, stream: unused)
        let kl = LandmarkSelection.segmentMeans.landmarks(of: inputs.keys, count: landmarks, stream: unused)
        return (Self.scores(inputs.queries, kl, beta: inputs.beta, softmax: softmax),
                Self.scores(ql, kl, beta: inputs.beta, softmax: softmax),
                Self.scores(ql, inputs.keys, beta: inputs.beta, softmax: softmax))
    }

    /// Landmarks, the three kernels, the pseudo-inverse and the two small products, kept in an
    /// ``AttentionWorkspace`` between calls.
    final class Scratch {
        var queryLandmarks = Matrix(rows: 0, columns: 0), keyLandmarks = Matrix(rows: 0, columns: 0)
        var f = Matrix(rows: 0, columns: 0), a = Matrix(rows: 0, columns: 0), b = Matrix(rows: 0, columns: 0)
        var z = Matrix(rows: 0, columns: 0)
        var iteration = CubicPseudoInverseIteration.Scratch()
        var bv = Matrix(rows: 0, columns: 0), zbv = Matrix(rows: 0, columns: 0)
    }

    /// The values of ``factors(_:)`` and ``CubicPseudoInverseIteration/pseudoInverse(of:)``, computed
    /// in the workspace: no allocation once it holds buffers of these shapes.
    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        let n = inputs.tokens, m = landmarks, dv = inputs.valueDimension
        precondition(out.rows == n && out.columns == dv, "Nyströmformer: output shape")
        precondition(m <= n, "Nyströmformer: m = \(m) landmarks for N = \(n) tokens")
        let softmax = inputs.normalization == .softmax
        let s = workspace.scratch { Scratch() }
        LandmarkSelection.segmentMeans(of: inputs.queries, count: m, into: &s.queryLandmarks)
        LandmarkSelection.segmentMeans(of: inputs.keys, count: m, into: &s.keyLandmarks)
        Self.scores(inputs.queries, s.keyLandmarks, beta: inputs.beta, softmax: softmax, into: &s.f)
        Self.scores(s.queryLandmarks, s.keyLandmarks, beta: inputs.beta, softmax: softmax, into: &s.a)
        Self.scores(s.queryLandmarks, inputs.keys, beta: inputs.beta, softmax: softmax, into: &s.b)
        pseudoInverse.pseudoInverse(of: s.a, into: &s.z, scratch: &s.iteration)
        AttentionWorkspace.resize(&s.bv, rows: m, columns: dv)
        AttentionWorkspace.resize(&s.zbv, rows: m, columns: dv)
        BLAS.gemm(s.b, inputs.values, into: &s.bv)
        BLAS.gemm(s.z, s.bv, into: &s.zbv)
        BLAS.gemm(s.f, s.zbv, alpha: softmax ? 1 : 1 / Double(n), into: &out)
    }
}
