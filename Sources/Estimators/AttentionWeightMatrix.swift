import Foundation
import NumericsCore

/// The full attention weight matrix B at fixed inputs, with Bᵀ stored so that columns are
/// contiguous: B = D⁻¹A (softmax, A = e^{βQKᵀ}, D = diag(A1)) or B = A/N (mean field), so that the
/// attention output is O = B·V. Built with one GEMM and a max-shifted exponential per row.
///
/// This is the oracle behind column sampling (``UniformColumnAttention``,
/// ``ImportanceColumnAttention``): forming B costs all N² scores and O(N²) memory, so it is done once
/// per configuration (``PreparedAttentionEstimator``), never per draw. O(N²(d_k + 1)) time. The
/// row exponentials are vectorised (``ShiftedExponential``): each weight is within a few ulp of the
/// scalar-`exp` value, not bit-identical to it.
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
        var norms = [Double](repeating: 0, count: n), values = [Double](repeating: 0, count: n)
        s.elements.withUnsafeMutableBufferPointer { buffer in
            norms.withUnsafeMutableBufferPointer { c2 in
                for i in 0..<n {
                    let row = buffer.baseAddress! + i * n
                    var shift = -Double.infinity
                    for j in 0..<n { row[j] *= beta; shift = max(shift, row[j]) }
                    let total = ShiftedExponential.exponentiateAndSum(row, count: n, shift: shift)
                    let scale = meanField ? exp(shift) / Double(n) : 1 / total
                    for j in 0..<n { row[j] *= scale }
                    // ‖B⁽ʲ⁾‖², each column's squares added over i in increasing order.
                    for j in 0..<n { c2[j] += row[j] * row[j] }
                }
            }
        }
        inputs.values.elements.withUnsafeBufferPointer { v in
            for j in 0..<n {
                norms[j] = norms[j].squareRoot()
                var v2 = 0.0
                for c in 0..<dv { v2 += v[j * dv + c] * v[j * dv + c] }
                values[j] = v2.squareRoot()
            }
        }
        transposed = s.transposed
        columnNorms = norms
        valueNorms = values
    }

    public var tokens: Int { transposed.rows }
}
