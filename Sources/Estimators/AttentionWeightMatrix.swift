import Foundation
import NumericsCore

/// The full attention weight matrix B at fixed inputs, with Bᵀ stored so that columns are
/// contiguous: B = D⁻¹A (softmax, A = e^{βQKᵀ}, D = diag(A1)) or B = A/N (mean field), so that the
/// attention output is O = B·V. Built with one GEMM and a max-shifted exponential per row.
///
/// This is the oracle behind column sampling (``UniformColumnAttention``,
/// ``ImportanceColumnAttention``): forming B costs all N² scores and O(N²) memory, so it is done once
/// per configuration (``PreparedAttentionEstimator``), never per draw. O(N²(d_k + 1)) time.
public struct AttentionWeightMatrix: Sendable {
    /// Bᵀ: row j holds column j of B.
    public let transposed: Matrix
    /// ‖B⁽ʲ⁾‖, the Euclidean norms of the columns of B.
    public let columnNorms: [Double]
    /// ‖Vⱼ‖, the norms of the value rows.
    public let valueNorms: [Double]

    public init(_ inputs: AttentionInputs) {
        let n = inputs.tokens, dv = inputs.valueDimension
        var s = BLAS.product(inputs.queries, inputs.keys, transposeB: true)
        let beta = inputs.beta, meanField = inputs.normalization == .meanField
        for i in 0..<n {
            var shift = -Double.infinity
            for j in 0..<n { s[i, j] *= beta; shift = max(shift, s[i, j]) }
            var total = 0.0
            for j in 0..<n { s[i, j] = exp(s[i, j] - shift); total += s[i, j] }
            let scale = meanField ? exp(shift) / Double(n) : 1 / total
            for j in 0..<n { s[i, j] *= scale }
        }
        transposed = s.transposed
        var norms = [Double](repeating: 0, count: n), values = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var c2 = 0.0
            for i in 0..<n { c2 += transposed[j, i] * transposed[j, i] }
            norms[j] = c2.squareRoot()
            var v2 = 0.0
            for c in 0..<dv { v2 += inputs.values[j, c] * inputs.values[j, c] }
            values[j] = v2.squareRoot()
        }
        columnNorms = norms
        valueNorms = values
    }

    public var tokens: Int { transposed.rows }
}
