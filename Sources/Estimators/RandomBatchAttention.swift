import Foundation
import NumericsCore
import CNumerics

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
/// **Evaluation.** Batches of 8 to 256 tokens (``kernelBatchSizes``: every batch of the defaults of
/// `work-precision` and `variance-sweep` from p = 8 on, and of `rbm-bench sampling`/`structured`) go
/// through one fused C kernel call per run of equal-size batches (`cnumerics_batch_attention`; all
/// but the last one or two batches of a draw form one run): per batch the keys are gathered
/// transposed and the values as rows, then four query rows at a time the scores
/// sⱼ = β·Σ_c q_c k_jc (over c in order, fused multiply-adds, eight keys per vector; the next batch's
/// rows prefetched meanwhile), the weights
/// ωⱼ = e^{sⱼ − mᵢ}·(j = i ? 1 : partner weight) (the eight-lane exponential of
/// ``ShiftedExponential``) and ôᵢ = scale·Σⱼ ωⱼvⱼ (over j in order, fused multiply-adds, eight value
/// columns per vector) with scale = 1/Σⱼωⱼ (softmax; the sum in eight lanes) or e^{mᵢ}/N (mean
/// field), all in registers and L1. It replaces two dgemm calls per batch whose fixed cost dominated
/// at these sizes (p = 16, d = 64: 16k multiply-adds per GEMM): measured at N = 4096 on one
/// AVX-512 thread, kernel time / GEMM-path time is 0.58–0.86 for p = 8…255 over d ∈ {3, 8, 16, 64}
/// (details at ``kernelBatchSizes``). Smaller batches (a vector of eight keys and a group of four
/// query rows would be half padding: p = 4 measured 0.95–1.30, p = 2 1.43–1.67 of the GEMM time) and batches
/// above 256 tokens keep the GEMMs: gathered Q, K, V, S = β·Q_C·K_Cᵀ from one GEMM per block of query
/// rows, each row's weights ωⱼ·scale overwriting it, O_C = W·V_C from a second GEMM, scattered back
/// (2–5× faster than the per-row loop for p ≥ 4; grouping batches into one block-diagonal GEMM was no
/// faster).
///
/// Both paths differ from the textbook per-row loop only by rounding (summation orders, fused
/// multiply-adds, the exponential); with ε = 2⁻⁵², each score is within d_k·ε·β·Σ_c|q_c k_jc| ≤
/// d_k·ε·β·‖qᵢ‖·‖kⱼ‖ of the loop's, moving each weight by that much relatively (plus 2 ulp for the
/// exponential and the normalising sum's (s/8 + 10)·ε), and the output sum adds s·ε·Σⱼωⱼ‖vⱼ‖·scale; the
/// test bounds the total difference by 4ε·(d_k·β·‖qᵢ‖·max‖kⱼ‖ + p + 4)·Σⱼ ωⱼ‖vⱼ‖·scale. The kernel's
/// clones (AVX-512, AVX2, baseline) perform the same roundings (fused multiply-adds are libm's fma()
/// in the baseline one; the loaded clone and the baseline build are tested bit-identical), BLAS runs
/// on one thread and the estimator is sequential, so its bits depend on no thread count.
///
/// Cost O(N·p·(d_k + d_v)) time, O(N + p·(2d_k + d_v) + b·(p + d_v)) extra memory with
/// b = min(p + 1, max(8, 2¹⁶/(p + 1))) query rows per score block of the GEMM path (one block per
/// batch up to p = 255; the kernel needs L·(d_k + 4) + (p + 1)·d_v + 8 with L = p + 1 rounded up to
/// a multiple of 8); (p−1) + 1 scores per token.
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
        // Scratch for the largest batch. GEMM path: gathered Q, K, V, and per block of query rows its
        // outputs and scores/weights. Kernel path: transposed keys, values (+ 8 slack), 4 score rows.
        let gemmScratch = largest * (2 * dk + dv) + blockRows * (dv + largest)
        let lanes = (largest + 7) / 8 * 8
        let kernelScratch = Self.kernelBatchSizes.contains(largest) || Self.kernelBatchSizes.contains(batchSize)
            ? lanes * (dk + 4) + largest * dv + 8 : 0
        AttentionWorkspace.resize(&scratchSpace.rows, count: max(gemmScratch, kernelScratch))
        scratchSpace.rows.withUnsafeMutableBufferPointer { scratch in
            let qc = scratch.baseAddress!, kc = qc + largest * dk, vc = kc + largest * dk, oc = vc + largest * dv, w = oc + blockRows * dv
            BLAS.setThreads(1)
            inputs.queries.elements.withUnsafeBufferPointer { q in
                inputs.keys.elements.withUnsafeBufferPointer { k in
                    inputs.values.elements.withUnsafeBufferPointer { v in
                        out.elements.withUnsafeMutableBufferPointer { o in
                            scratchSpace.permutation.withUnsafeBufferPointer { perm in
                                let (q, k, v, o) = (q.baseAddress!, k.baseAddress!, v.baseAddress!, o.baseAddress!)
                                // Runs of equal-size batches (all but the last one or two have size p),
                                // each run starting at entry first·p of the permutation.
                                var batch = 0
                                while batch < partition.batchCount {
                                    let first = batch, s = partition.size(ofBatch: batch)
                                    while batch < partition.batchCount && partition.size(ofBatch: batch) == s { batch += 1 }
                                    let partnerWeight = reweighted ? Double(n - 1) / Double(s - 1) : 1
                                    if Self.kernelBatchSizes.contains(s) {
                                        cnumerics_batch_attention(q, k, v, dk, dv, perm.baseAddress! + first * batchSize, batch - first, s,
                                                                  beta, partnerWeight, meanField ? 1 : 0, n, qc, o)
                                        continue
                                    }
                                    for b in first..<batch {
                                        let members = UnsafeBufferPointer(rebasing: perm[(b * batchSize)..<(b * batchSize + s)])
                                        for (r, member) in members.enumerated() {
                                            let token = Int(member)
                                            (qc + r * dk).update(from: q + token * dk, count: dk)
                                            (kc + r * dk).update(from: k + token * dk, count: dk)
                                            (vc + r * dv).update(from: v + token * dv, count: dv)
                                        }
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
    }

    /// Batch sizes evaluated by the fused kernel `cnumerics_batch_attention` (one call per run of
    /// equal-size batches) instead of two GEMMs per batch. Measured with a C prototype of both paths
    /// (one AVX-512 thread, d_k = d_v = d ∈ {3, 8, 16, 64}, median of 15 draws; kernel time / GEMM-path
    /// time): at N = 4096, p = 8: 0.58–0.83, p = 16: 0.63–0.82, p = 32: 0.69–0.86, p = 64…255:
    /// 0.61–0.82; at N = 65 536 (rows far out of cache; the kernel prefetches the next batch's rows)
    /// p = 8…32: 0.55–0.96. At p = 4 it is 0.95–1.30 and at p = 2 1.43–1.67 (a vector of eight keys
    /// and a group of four query rows are then half or more padding), so smaller batches keep the
    /// GEMMs, as do batches above 256 tokens (scores in blocks of query rows).
    public static let kernelBatchSizes = 8...256

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
