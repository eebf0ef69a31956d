import Foundation
import NumericsCore

/// Horvitz–Thompson Bernoulli sampling of attention: the self term j = i is always
/// kept (weight 1) and every other key independently with probability π, weight 1/π:
///
///     mean field (USA):  ôᵢ = (1/N) [ e^{sᵢᵢ} vᵢ + Σ_{j≠i} (ξᵢⱼ/π) e^{sᵢⱼ} vⱼ ]
///     softmax (SA):      ôᵢ = n̂ᵢ / ẑᵢ with n̂ᵢ, ẑᵢ the same HT sums of e^{sᵢⱼ}vⱼ and e^{sᵢⱼ}
///
/// On the mean-field form it is **unbiased** with
///
///     E‖ôᵢ − oᵢ‖² = ((1−π)/π) · (1/N²) · Σ_{j≠i} e^{2sᵢⱼ} ‖vⱼ‖².
///
/// Under softmax it estimates softmax attention as a ratio of two unbiased HT sums
/// (self-normalised importance sampling): **biased**, with the delta-method bias
/// n·Var ẑ/z³ − Cov(n̂, ẑ)/z² = O((1−π)/(πN)) and no closed-form variance; the kept self term keeps
/// ẑᵢ > 0. Scores are max-shifted (log-sum-exp) over the kept keys.
///
/// Cost 1 + π(N−1) scores per token in expectation (geometric skipping, ``GeometricSkipper``),
/// O((1 + πN)·(d_k + d_v)) time per token.
public struct BernoulliAttention: AttentionVarianceLaw {
    public let keepProbability: Double

    public init(keepProbability: Double) {
        precondition(keepProbability > 0 && keepProbability <= 1, "keep probability π = \(keepProbability) ∉ (0, 1]")
        self.keepProbability = keepProbability
    }

    public var name: String { "bernoulli" }
    public var size: Double? { keepProbability }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { normalization == .meanField }
    public func expectedCost(tokens n: Int) -> Double { 1 + keepProbability * Double(n - 1) }

    /// The kept keys of a row and their scores (N entries each), kept in an ``AttentionWorkspace``.
    final class Scratch {
        var kept: [Int] = []
        var scores: [Double] = []
    }

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        let n = inputs.tokens, dv = inputs.valueDimension
        precondition(out.rows == n && out.columns == dv, "Bernoulli attention output shape")
        let weight = 1 / keepProbability
        var skipper = GeometricSkipper(keepProbability: keepProbability)
        let scratch = workspace.scratch { Scratch() }
        AttentionWorkspace.resize(&scratch.kept, count: n)
        AttentionWorkspace.resize(&scratch.scores, count: n)
        inputs.queries.elements.withUnsafeBufferPointer { q in
            inputs.keys.elements.withUnsafeBufferPointer { k in
                inputs.values.elements.withUnsafeBufferPointer { v in
                    out.elements.withUnsafeMutableBufferPointer { o in
                        scratch.kept.withUnsafeMutableBufferPointer { kept in
                          scratch.scores.withUnsafeMutableBufferPointer { scores in
                            let kernel = KeySubsetAttention(inputs, queries: q.baseAddress!, keys: k.baseAddress!, values: v.baseAddress!)
                            for i in 0..<n {
                                // Kept keys: the self term first, then the Bernoulli partners.
                                var count = 0
                                kept[count] = i; count += 1
                                var t = skipper.next(stream)
                                while t < n - 1 {
                                    kept[count] = t < i ? t : t + 1; count += 1
                                    t += 1 + skipper.next(stream)
                                }
                                kernel.row(i, members: UnsafeBufferPointer(rebasing: kept[0..<count]), partnerWeight: weight,
                                           scores: scores.baseAddress!, into: o.baseAddress! + i * dv)
                            }
                          }
                        }
                    }
                }
            }
        }
    }

    public func theoreticalMeanSquaredError(_ inputs: AttentionInputs) -> [Double]? {
        guard inputs.normalization == .meanField else { return nil }
        let n = Double(inputs.tokens), pi = keepProbability
        return meanFieldTermMoments(inputs).raw.map { (1 - pi) / pi / (n * n) * $0 }
    }
}
