import NumericsCore

/// The random batch estimator **with replacement**: each particle draws its own p − 1 partners
/// J₁ … J_{p−1} independently and uniformly from the N − 1 others, and
///
///     ŷᵢ = (1/(p−1)) Σₖ k(xᵢ, x_{Jₖ}).
///
/// Unbiased. Each term has mean yᵢ and total variance (1/(N−1)) Σ_{j≠i} ‖kᵢⱼ − yᵢ‖² =
/// ((N−2)/(N−1))·Λᵢ, and the p − 1 terms are independent, so
///
///     E‖ŷᵢ − yᵢ‖² = (N−2)/((N−1)(p−1)) · Λᵢ,
///
/// against (N−p)/((N−1)(p−1)) · Λᵢ without replacement (``RandomBatchInteractionSum``): the ratio
/// (N−2)/(N−p) ≥ 1 is the finite-population correction that drawing with replacement forgoes.
/// Unlike RBM-1 the partners are not a partition, so the pair (i, j) is not used symmetrically and
/// the estimate never becomes exact (nonzero variance at p = N).
///
/// Cost: exactly p − 1 interactions per particle, O(N·p·d) per call; the partner indices of a
/// block of 8 particles live in the workspace (no allocation per call after the first).
/// Reference: Jin–Li–Liu, arXiv 1812.10575 (the batch lemma, here without the finite-population factor).
public struct RandomBatchReplacementInteractionSum: InteractionSumVarianceLaw {
    public let batchSize: Int

    public init(batchSize: Int) {
        precondition(batchSize >= 2, "batch size \(batchSize) < 2")
        self.batchSize = batchSize
    }

    public var name: String { "random-batch-replacement" }
    public var size: Double? { Double(batchSize) }
    public var isUnbiased: Bool { true }
    public func expectedCost(particles n: Int) -> Double { Double(batchSize - 1) }

    public func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>,
                         particles n: Int, dimension d: Int, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        precondition(n >= 2 && positions.count >= n * d && out.count >= n * d, "random batch with replacement: N = \(n)")
        let x = positions.baseAddress!, y = out.baseAddress!
        let weight = 1.0 / Double(batchSize - 1), partnerCount = batchSize - 1, block = EstimatorWorkspace.targetBlock
        if workspace.partners.count < block * partnerCount {
            workspace.partners = [Int32](repeating: 0, count: block * partnerCount)
        }
        workspace.partners.withUnsafeMutableBufferPointer { partners in
            workspace.listStarts.withUnsafeMutableBufferPointer { starts in
                workspace.listLengths.withUnsafeMutableBufferPointer { lengths in
                    for first in stride(from: 0, to: n, by: block) {
                        // The p − 1 partners of each target of the block in draw order, then one
                        // specialised sum over the block.
                        let targets = first..<min(n, first + block)
                        for i in targets {
                            let t = i - first
                            starts[t] = t * partnerCount
                            lengths[t] = partnerCount
                            for k in 0..<partnerCount {
                                let r = stream.uniformInt(below: n - 1)
                                partners[t * partnerCount + k] = Int32(r < i ? r : r + 1)
                            }
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
        let n = Double(moments.particles)
        let factor = (n - 2) / ((n - 1) * Double(batchSize - 1))
        return moments.spread.map { factor * $0 }
    }
}
