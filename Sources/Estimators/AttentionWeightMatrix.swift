import CNumerics
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
        // Row by row: β·s, the max shift, e^{s − m} (vectorised), the lane sum, the scale; written
        // transposed a block of eight rows at a time, with ‖B⁽ʲ⁾‖² accumulated over i in order.
        let weights = s.elements.withUnsafeMutableBufferPointer { sp in
            norms.withUnsafeMutableBufferPointer { c2 in
                [Double](unsafeUninitializedCapacity: n * n) { bt, initialized in
                    cnumerics_softmax_rows(sp.baseAddress!, n, n, beta, meanField ? 1 : 0, bt.baseAddress!, c2.baseAddress!)
                    initialized = n * n
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
        transposed = Matrix(rows: n, columns: n, elements: weights)
        columnNorms = norms
        valueNorms = values
    }

    public var tokens: Int { transposed.rows }
}
