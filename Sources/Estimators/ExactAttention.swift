import Foundation
import NumericsCore

/// Exact softmax (SA) or mean-field (USA) attention, the reference of every attention estimator:
///
///     SA:  oᵢ = Σⱼ e^{sᵢⱼ − mᵢ} vⱼ / Σⱼ e^{sᵢⱼ − mᵢ},      sᵢⱼ = β⟨qᵢ,kⱼ⟩,  mᵢ = maxⱼ sᵢⱼ
///     USA: oᵢ = e^{mᵢ} · (1/N) Σⱼ e^{sᵢⱼ − mᵢ} vⱼ
///
/// **Algorithm.** Rows are processed in fixed blocks of b queries: S = β·Q_b·Kᵀ (one GEMM,
/// b×N), a max-shifted exponential per row (log-sum-exp: no overflow unless the result itself
/// overflows), the row sums by compensated summation, then W·V (one GEMM, b×d_v). The N×N
/// matrix is never formed: memory is O(N·b) per worker, with b = clamp(2²¹/N, 8, 256)
/// (≤ 16 MiB of scores per worker). Time O(N²(d_k + d_v)).
///
/// **Threads.** Blocks are fixed by N alone and each row is computed entirely inside its block,
/// so results are bit-identical for any thread count. OpenBLAS is set to one thread (the
/// parallelism is over blocks; a multi-threaded GEMM may round differently).
///
/// **Accuracy** is measured, not assumed: ``referenceError(_:sampleRows:stream:)`` compares with
/// a compensated (doubled-precision dot products and sums) evaluation of sampled rows.
public struct ExactAttention: AttentionEstimator {
    public let threads: Int

    public init(threads: Int = 1) {
        precondition(threads >= 1, "threads = \(threads)")
        self.threads = threads
    }

    public var name: String { "exact" }
    public var size: Double? { nil }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { true }
    public func expectedCost(tokens: Int) -> Double { Double(tokens) }
    public func exactTarget(_ inputs: AttentionInputs) -> Matrix { evaluate(inputs) }

    /// Rows per block for N keys.
    public static func blockRows(keys n: Int) -> Int { min(256, max(8, (1 << 21) / max(1, n))) }

    /// Bytes of score scratch per worker for N keys (the dominant memory beyond Q, K, V, O).
    public static func scratchBytes(keys n: Int) -> Int { blockRows(keys: n) * n * MemoryLayout<Double>.stride }

    public func evaluate(_ inputs: AttentionInputs) -> Matrix {
        var out = Matrix(rows: inputs.tokens, columns: inputs.valueDimension)
        compute(inputs, into: &out)
        return out
    }

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, stream: RandomStream) {
        compute(inputs, into: &out)
    }

    private func compute(_ inputs: AttentionInputs, into out: inout Matrix) {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension
        precondition(out.rows == n && out.columns == dv, "output \(out.rows)×\(out.columns) for N = \(n), d_v = \(dv)")
        let block = Self.blockRows(keys: n)
        let blocks = (n + block - 1) / block
        let workers = max(1, min(threads, blocks))
        BLAS.setThreads(1)
        let beta = inputs.beta, meanField = inputs.normalization == .meanField
        inputs.queries.elements.withUnsafeBufferPointer { q in
            inputs.keys.elements.withUnsafeBufferPointer { k in
                inputs.values.elements.withUnsafeBufferPointer { v in
                    out.elements.withUnsafeMutableBufferPointer { o in
                        let (q, k, v, o) = (q.baseAddress!, k.baseAddress!, v.baseAddress!, o.baseAddress!)
                        parallelForEach(workers, threads: workers) { worker in
                            let scores = UnsafeMutablePointer<Double>.allocate(capacity: block * n)
                            defer { scores.deallocate() }
                            for b in stride(from: worker, to: blocks, by: workers) {
                                let first = b * block, rows = min(block, n - first)
                                BLAS.gemm(m: rows, n: n, k: dk, alpha: beta, q + first * dk, leadingDimension: dk,
                                          k, leadingDimension: dk, transposeB: true, into: scores, leadingDimension: n)
                                var scale = [Double](repeating: 0, count: rows)
                                for r in 0..<rows {
                                    let row = scores + r * n
                                    var shift = -Double.infinity
                                    for j in 0..<n { shift = max(shift, row[j]) }
                                    var total = CompensatedSum()
                                    for j in 0..<n { row[j] = exp(row[j] - shift); total.add(row[j]) }
                                    scale[r] = meanField ? exp(shift) / Double(n) : 1 / total.value
                                }
                                BLAS.gemm(m: rows, n: dv, k: n, scores, leadingDimension: n, v, leadingDimension: dv,
                                          into: o + first * dv, leadingDimension: dv)
                                for r in 0..<rows {
                                    let row = o + (first + r) * dv
                                    for c in 0..<dv { row[c] *= scale[r] }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Row i of the output by a compensated evaluation: scores as doubled-precision dot products,
    /// compensated sums of the weights and of the weighted values. O(N(d_k + d_v)).
    public static func compensatedRow(_ i: Int, of inputs: AttentionInputs) -> [Double] {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension
        let q = inputs.queries.elements, k = inputs.keys.elements, v = inputs.values.elements
        var scores = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var dot = CompensatedSum()
            for c in 0..<dk { dot.addProduct(q[i * dk + c], k[j * dk + c]) }
            scores[j] = inputs.beta * dot.value
        }
        let shift = scores.max()!
        var total = CompensatedSum()
        var sums = [CompensatedSum](repeating: CompensatedSum(), count: dv)
        for j in 0..<n {
            let w = exp(scores[j] - shift)
            total.add(w)
            for c in 0..<dv { sums[c].addProduct(w, v[j * dv + c]) }
        }
        let scale = inputs.normalization == .meanField ? exp(shift) / Double(n) : 1 / total.value
        return sums.map { $0.value * scale }
    }

    /// The blocked evaluation's own error: the largest relative row error ‖ô_i − o_i‖/‖o_i‖ over
    /// `sampleRows` rows drawn without replacement, against ``compensatedRow(_:of:)``.
    public func referenceError(_ inputs: AttentionInputs, output: Matrix, sampleRows: Int = 32,
                               stream: RandomStream) -> Double {
        let n = inputs.tokens, dv = inputs.valueDimension
        let count = min(sampleRows, n)
        var rows = [Int32](repeating: 0, count: count)
        stream.choose(count, from: (0..<Int32(n)).map { $0 }, into: &rows)
        var worst = 0.0
        for r in rows {
            let i = Int(r), exact = Self.compensatedRow(i, of: inputs)
            var difference = 0.0, norm = 0.0
            for c in 0..<dv {
                let e = output[i, c] - exact[c]
                difference += e * e
                norm += exact[c] * exact[c]
            }
            worst = max(worst, norm > 0 ? (difference / norm).squareRoot() : difference.squareRoot())
        }
        return worst
    }
}
