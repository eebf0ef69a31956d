import Foundation
import NumericsCore

/// Random Batch Attention (RBA, arXiv 2511.06044): draw a uniform permutation of the
/// N tokens, cut it into batches of p (``BatchPartition``: a short last batch stands for a padded
/// batch whose padding keys are masked), and attend only inside each batch C ∋ i:
///
///     sᵢⱼ = β⟨qᵢ,kⱼ⟩,   wᵢⱼ = e^{sᵢⱼ − mᵢ} with mᵢ = max_{j∈C} sᵢⱼ,
///     plain (softmax):      ôᵢ = Σ_{j∈C} wᵢⱼ vⱼ / Σ_{j∈C} wᵢⱼ                (batch-local softmax)
///     corrected (softmax):  the same ratio with weight 1 on j = i and (N−1)/(s−1) on the other
///                           s − 1 members, so numerator and denominator are each unbiased
///     mean-field (USA):     ôᵢ = (1/N)[e^{sᵢᵢ} vᵢ + ((N−1)/(s−1)) Σ_{j∈C, j≠i} e^{sᵢⱼ} vⱼ]
///
/// Plain RBA is **biased** for softmax attention: the token's own key is always in its batch, so
/// its weight is inflated; the bias falls ≈ 1/p. The corrected ratio keeps an O(g) delta-method
/// bias, g = 1/(p−1) − 1/(N−1). On the mean-field form there is no ratio: RBA is exactly the
/// Random Batch Method with the self term kept, and it is **unbiased** for both weightings (they
/// coincide there).
///
/// **Evaluation through GEMM.** Per batch C of s tokens: its query, key and value rows are gathered
/// into contiguous scratch, the scores come from one GEMM, S = β·Q_C·K_Cᵀ (s×s), each row's weights
/// ωⱼ·scale (scale = 1/Σωⱼ for softmax, e^{mᵢ}/N for mean field; e^{sⱼ − mᵢ} vectorised by
/// ``ShiftedExponential``) overwrite it, and the outputs come from a
/// second GEMM, O_C = W·V_C, scattered back to the tokens' rows. Measured against the per-row loop it
/// replaces (N = 4096, one thread): 2–5× faster for p ≥ 4 at d = 16 and 64, even at p = 2; grouping
/// several small batches into one larger GEMM (block-diagonal, off-diagonal blocks wasted) was no
/// faster, so each batch is its own GEMM. The results differ from the loop only by rounding (summation
/// order in the GEMMs, the exponential); the test bounds the difference by
/// 4ε·(d_k·β·‖qᵢ‖·max‖kⱼ‖ + p + 4)·Σⱼ ωⱼ‖vⱼ‖·scale. BLAS runs on one thread (the estimator is
/// sequential; its bits depend on no thread count).
///
/// Cost O(N·p·(d_k + d_v)) time (in GEMMs), O(N + p·(2d_k + d_v) + b·(p + d_v)) extra memory with
/// b = min(p + 1, max(8, 2¹⁶/(p + 1))) query rows per score block (one block per batch up to p = 255);
/// (p−1) + 1 scores per token.
public struct RandomBatchAttention: AttentionEstimator {
    public enum Weighting: String, Codable, Sendable, CaseIterable {
        case plain, corrected
    }

    public let batchSize: Int
    public let weighting: Weighting

    public init(batchSize: Int, weighting: Weighting = .plain) {
        precondition(batchSize >= 2, "batch size \(batchSize) < 2")
        self.batchSize = batchSize
        self.weighting = weighting
    }

    public var name: String { weighting == .plain ? "rba" : "rba-corrected" }
    public var size: Double? { Double(batchSize) }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { normalization == .meanField }
    public func expectedCost(tokens n: Int) -> Double {
        BatchPartition(particles: n, batchSize: batchSize).expectedPartners + 1
    }

    /// The permutation and the gathered rows, scores and outputs of a batch, kept in an
    /// ``AttentionWorkspace`` between draws.
    final class Scratch {
        var permutation: [Int32] = []
        var rows: [Double] = []
    }

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension
        precondition(batchSize <= n && out.rows == n && out.columns == dv, "RBA: p = \(batchSize), N = \(n)")
        let scratchSpace = workspace.scratch { Scratch() }
        if scratchSpace.permutation.count != n { scratchSpace.permutation = [Int32](repeating: 0, count: n) }
        // The shuffle starts from the identity every draw (the permutation depends on nothing else).
        scratchSpace.permutation.withUnsafeMutableBufferPointer { for i in 0..<n { $0[i] = Int32(i) } }
        stream.shuffle(&scratchSpace.permutation)
        let reweighted = weighting == .corrected || inputs.normalization == .meanField
        let meanField = inputs.normalization == .meanField, beta = inputs.beta
        let partition = BatchPartition(particles: n, batchSize: batchSize)
        let largest = batchSize + 1
        let blockRows = Self.scoreBlockRows(largestBatch: largest)
        // Scratch for the largest batch: gathered Q, K, V, and per block of query rows its outputs and
        // scores/weights.
        AttentionWorkspace.resize(&scratchSpace.rows, count: largest * (2 * dk + dv) + blockRows * (dv + largest))
        scratchSpace.rows.withUnsafeMutableBufferPointer { scratch in
            let qc = scratch.baseAddress!, kc = qc + largest * dk, vc = kc + largest * dk, oc = vc + largest * dv, w = oc + blockRows * dv
            BLAS.setThreads(1)
            inputs.queries.elements.withUnsafeBufferPointer { q in
                inputs.keys.elements.withUnsafeBufferPointer { k in
                    inputs.values.elements.withUnsafeBufferPointer { v in
                        out.elements.withUnsafeMutableBufferPointer { o in
                            scratchSpace.permutation.withUnsafeBufferPointer { perm in
                                let (q, k, v, o) = (q.baseAddress!, k.baseAddress!, v.baseAddress!, o.baseAddress!)
                                partition.forEachBatch(of: perm) { members in
                                    let s = members.count
                                    for (r, member) in members.enumerated() {
                                        let token = Int(member)
                                        (qc + r * dk).update(from: q + token * dk, count: dk)
                                        (kc + r * dk).update(from: k + token * dk, count: dk)
                                        (vc + r * dv).update(from: v + token * dv, count: dv)
                                    }
                                    let partnerWeight = reweighted ? Double(n - 1) / Double(s - 1) : 1
                                    for first in stride(from: 0, to: s, by: blockRows) {
                                        let rows = min(blockRows, s - first)
                                        BLAS.gemm(m: rows, n: s, k: dk, alpha: beta, qc + first * dk, leadingDimension: dk, kc,
                                                  leadingDimension: dk, transposeB: true, into: w, leadingDimension: s)
                                        for r in 0..<rows {
                                            Self.weights(row: w + r * s, count: s, own: first + r, partnerWeight: partnerWeight,
                                                         meanField: meanField, tokens: n)
                                        }
                                        BLAS.gemm(m: rows, n: dv, k: s, w, leadingDimension: s, vc, leadingDimension: dv,
                                                  into: oc, leadingDimension: dv)
                                        for r in 0..<rows {
                                            (o + Int(members[first + r]) * dv).update(from: oc + r * dv, count: dv)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Query rows per score block: the whole batch while its s×s scores fit in 2¹⁶ doubles (p ≤ 255,
    /// one block, two GEMMs per batch), fewer (at least 8) above, so a batch as large as N never
    /// needs N² scores at once.
    public static func scoreBlockRows(largestBatch: Int) -> Int { min(largestBatch, max(8, (1 << 16) / largestBatch)) }

    /// Overwrites a row of a batch's scores sⱼ with its weights ωⱼ·scale: ωⱼ = e^{sⱼ − m}, m = maxⱼ sⱼ,
    /// times `partnerWeight` unless j = `own`; scale = 1/Σωⱼ (softmax) or e^m/N (mean field). O(count).
    @inline(__always)
    static func weights(row: UnsafeMutablePointer<Double>, count: Int, own: Int, partnerWeight: Double,
                        meanField: Bool, tokens n: Int) {
        var shift = -Double.infinity
        for j in 0..<count { shift = max(shift, row[j]) }
        ShiftedExponential.exponentiate(row, count: count, shift: shift)
        var total = 0.0
        for j in 0..<count {
            if j != own { row[j] *= partnerWeight }
            total += row[j]
        }
        let scale = meanField ? exp(shift) / Double(n) : 1 / total
        for j in 0..<count { row[j] *= scale }
    }
}
