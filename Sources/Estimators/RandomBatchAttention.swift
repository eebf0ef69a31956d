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
/// Cost O(N·p·(d_k + d_v)) time, O(N) extra memory; (p−1) + 1 scores per token.
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

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, stream: RandomStream) {
        let n = inputs.tokens, dv = inputs.valueDimension
        precondition(batchSize <= n && out.rows == n && out.columns == dv, "RBA: p = \(batchSize), N = \(n)")
        var permutation = (0..<Int32(n)).map { $0 }
        stream.shuffle(&permutation)
        let reweighted = weighting == .corrected || inputs.normalization == .meanField
        var scores = [Double](repeating: 0, count: n)
        inputs.queries.elements.withUnsafeBufferPointer { q in
            inputs.keys.elements.withUnsafeBufferPointer { k in
                inputs.values.elements.withUnsafeBufferPointer { v in
                    out.elements.withUnsafeMutableBufferPointer { o in
                        scores.withUnsafeMutableBufferPointer { s in
                            permutation.withUnsafeBufferPointer { perm in
                                let kernel = KeySubsetAttention(inputs, queries: q.baseAddress!, keys: k.baseAddress!, values: v.baseAddress!)
                                BatchPartition(particles: n, batchSize: batchSize).forEachBatch(of: perm) { members in
                                    let partnerWeight = reweighted ? Double(n - 1) / Double(members.count - 1) : 1
                                    for member in members {
                                        kernel.row(Int(member), members: members, partnerWeight: partnerWeight,
                                                   scores: s.baseAddress!, into: o.baseAddress! + Int(member) * dv)
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
