import NumericsCore

/// The Random Batch estimator without replacement (RBM-1, Jin–Li–Liu, arXiv 1812.10575):
/// draw a uniform random permutation, cut it into batches of size p, and inside each batch C
///
///     ŷᵢ = (1/(|C|−1)) Σ_{j∈C, j≠i} k(xᵢ, xⱼ).
///
/// **When p does not divide N** the remainder rule of ``BatchPartition`` applies (weight
/// 1/(s−1) in a batch of size s), so ŷᵢ is unbiased for every configuration.
///
/// Consistency lemma (finite-population correction):
///     E‖ŷᵢ − yᵢ‖² = (E[1/(s−1)] − 1/(N−1)) · Λᵢ,  Λᵢ = (1/(N−2)) Σ_{j≠i} ‖k(xᵢ,xⱼ) − yᵢ‖²,
/// where E[1/(s−1)] = 1/(p−1) when p | N (``varianceFactor(particles:)``).
///
/// Cost: O(p·N·d) per call (p−1 interactions per particle), memory O(N).
public struct RandomBatchInteractionSum: InteractionSumEstimator {
    public let batchSize: Int

    public init(batchSize: Int) {
        precondition(batchSize >= 2, "batch size \(batchSize) < 2")
        self.batchSize = batchSize
    }

    public var name: String { "random-batch" }
    public var size: Double? { Double(batchSize) }
    public var isUnbiased: Bool { true }

    /// The batch layout for N particles (remainder rule in ``BatchPartition``).
    public func partition(particles n: Int) -> BatchPartition { BatchPartition(particles: n, batchSize: batchSize) }

    /// g = E[1/(s−1)] − 1/(N−1): the factor of Λᵢ in E‖ŷᵢ − yᵢ‖² (zero at p = N).
    public func varianceFactor(particles n: Int) -> Double { partition(particles: n).varianceFactor }

    public func expectedCost(particles n: Int) -> Double { partition(particles: n).expectedPartners }

    public func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>,
                         particles n: Int, dimension d: Int, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        precondition(batchSize <= n && workspace.permutation.count == n, "random batch: p = \(batchSize), N = \(n)")
        for k in 0..<n { workspace.permutation[k] = Int32(k) }
        stream.shuffle(&workspace.permutation)
        let x = positions.baseAddress!, y = out.baseAddress!
        workspace.permutation.withUnsafeBufferPointer { perm in
            partition(particles: n).forEachBatch(of: perm) { members in
                let weight = 1.0 / Double(members.count - 1)
                for member in members {
                    let yi = y + Int(member) * d
                    yi.update(repeating: 0, count: d)
                    interaction.accumulateSum(target: Int(member), sources: members, positions: x,
                                              dimension: d, weight: weight, into: yi)
                }
            }
        }
    }
}

/// The spread Λᵢ = (1/(N−2)) Σ_{j≠i} ‖k(xᵢ,xⱼ) − yᵢ‖² of the interaction terms of particle i,
/// the population variance that the Random Batch lemma scales. O(N·d). Requires N ≥ 3.
public func interactionSpread(of i: Int, interaction: any PairInteraction, positions: [Double],
                              particles n: Int, dimension d: Int) -> Double {
    precondition(n >= 3, "Λ needs N ≥ 3")
    var mean = [Double](repeating: 0, count: d), term = [Double](repeating: 0, count: d)
    return positions.withUnsafeBufferPointer { x in
        interaction.accumulateSum(target: i, count: n, positions: x.baseAddress!, dimension: d,
                                  weight: 1.0 / Double(n - 1), into: &mean)
        var total = 0.0
        for j in 0..<n where j != i {
            for c in 0..<d { term[c] = 0 }
            interaction.accumulate(x.baseAddress! + i * d, x.baseAddress! + j * d, dimension: d, weight: 1, into: &term)
            for c in 0..<d { total += (term[c] - mean[c]) * (term[c] - mean[c]) }
        }
        return total / Double(n - 2)
    }
}
