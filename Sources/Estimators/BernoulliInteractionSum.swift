import Foundation
import NumericsCore

/// Horvitz–Thompson Bernoulli sampling of the interaction sum: every ordered pair
/// (i, j), j ≠ i, is kept independently with probability π and weighted 1/π,
///
///     ŷᵢ = (1/(N−1)) Σ_{j≠i} (ξᵢⱼ/π) k(xᵢ, xⱼ),   ξᵢⱼ ~ Bernoulli(π) i.i.d.
///
/// Unbiased, with
///
///     E‖ŷᵢ − yᵢ‖² = ((1−π)/π) · (1/(N−1)²) · Σ_{j≠i} ‖k(xᵢ,xⱼ)‖²,
///
/// a raw second moment, not a spread: writing Σ‖kᵢⱼ‖² = (N−2)Λᵢ + (N−1)‖yᵢ‖², at matched cost
/// p − 1 = π(N−1) the ratio to random batch is (N−2)/(N−1) + ‖yᵢ‖²/Λᵢ, so Bernoulli loses
/// whenever the mean force is not small against its spread.
///
/// **Sampling.** The kept partners are found by geometric skipping (gaps ⌊log U / log(1−π)⌋), so
/// a call costs O(π·N²·d) time and draws O(πN²) uniforms, not N². Expected cost π(N−1)
/// interactions per particle; the number kept is random (Binomial(N−1, π)).
public struct BernoulliInteractionSum: InteractionSumVarianceLaw {
    public let keepProbability: Double

    public init(keepProbability: Double) {
        precondition(keepProbability > 0 && keepProbability <= 1, "keep probability π = \(keepProbability) ∉ (0, 1]")
        self.keepProbability = keepProbability
    }

    public var name: String { "bernoulli" }
    public var size: Double? { keepProbability }
    public var isUnbiased: Bool { true }
    public func expectedCost(particles n: Int) -> Double { keepProbability * Double(n - 1) }

    public func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>,
                         particles n: Int, dimension d: Int, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        precondition(n >= 2 && positions.count >= n * d && out.count >= n * d, "Bernoulli sum: N = \(n)")
        let x = positions.baseAddress!, y = out.baseAddress!
        let weight = 1 / (keepProbability * Double(n - 1))
        var skipper = GeometricSkipper(keepProbability: keepProbability)
        let block = EstimatorWorkspace.targetBlock
        if workspace.partners.count < block * (n - 1) { workspace.partners = [Int32](repeating: 0, count: block * (n - 1)) }
        workspace.partners.withUnsafeMutableBufferPointer { partners in
            workspace.listStarts.withUnsafeMutableBufferPointer { starts in
                workspace.listLengths.withUnsafeMutableBufferPointer { lengths in
                    for first in stride(from: 0, to: n, by: block) {
                        // The kept partners of each target of the block in increasing order, then
                        // one specialised sum over the block.
                        let targets = first..<min(n, first + block)
                        var used = 0
                        for i in targets {
                            starts[i - first] = used
                            var t = skipper.next(stream)
                            while t < n - 1 {
                                partners[used] = Int32(t < i ? t : t + 1)
                                used += 1
                                t += 1 + skipper.next(stream)
                            }
                            lengths[i - first] = used - starts[i - first]
                        }
                        interaction.listedSums(targets: targets, sources: partners.baseAddress!, starts: starts.baseAddress!,
                                               lengths: lengths.baseAddress!, positions: x, dimension: d, weight: weight,
                                               into: y)
                    }
                }
            }
        }
    }

    public func theoreticalMeanSquaredError(_ moments: InteractionTermMoments) -> [Double] {
        let n = Double(moments.particles), pi = keepProbability
        return moments.rawSecondMoment.map { (1 - pi) / pi / ((n - 1) * (n - 1)) * $0 }
    }
}
