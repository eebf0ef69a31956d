import NumericsCore

/// The Random Batch estimator without replacement (RBM-1, Jin–Li–Liu, arXiv 1812.10575):
/// draw a uniform random permutation, cut it into batches of size p, and inside each batch C
///
///     ŷᵢ = (1/(|C|−1)) Σ_{j∈C, j≠i} k(xᵢ, xⱼ).
///
/// **When p does not divide N** (r = N mod p): if r ≥ 2 the last r particles of the
/// permutation form one smaller batch (weight 1/(r−1)); if r = 1 the leftover particle joins
/// the last full batch (size p+1, weight 1/p), since a singleton has no partner. Either way,
/// conditioned on its batch size s, a particle's partners are a uniform (s−1)-subset of the
/// others, so ŷᵢ is unbiased for every configuration.
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

    /// Sizes of the batches a partition of N particles is cut into (documented rule above).
    public func batchSizes(particles n: Int) -> [Int] {
        precondition(batchSize <= n, "batch size \(batchSize) > N = \(n)")
        var sizes = Array(repeating: batchSize, count: n / batchSize)
        let remainder = n % batchSize
        if remainder >= 2 { sizes.append(remainder) } else if remainder == 1 { sizes[sizes.count - 1] += 1 }
        return sizes
    }

    /// E over the partition of 1/(s−1), s the batch size of a given particle.
    public func meanInverseBatchWeight(particles n: Int) -> Double {
        batchSizes(particles: n).reduce(0) { $0 + Double($1) / Double(n) / Double($1 - 1) }
    }

    /// g = E[1/(s−1)] − 1/(N−1): the factor of Λᵢ in E‖ŷᵢ − yᵢ‖² (zero at p = N).
    public func varianceFactor(particles n: Int) -> Double {
        meanInverseBatchWeight(particles: n) - 1.0 / Double(n - 1)
    }

    public func expectedCost(particles n: Int) -> Double {
        batchSizes(particles: n).reduce(0) { $0 + Double($1) / Double(n) * Double($1 - 1) }
    }

    public func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>,
                         particles n: Int, dimension d: Int, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        precondition(batchSize <= n && workspace.permutation.count == n, "random batch: p = \(batchSize), N = \(n)")
        for k in 0..<n { workspace.permutation[k] = Int32(k) }
        stream.shuffle(&workspace.permutation)
        let full = n / batchSize, remainder = n % batchSize
        let x = positions.baseAddress!, y = out.baseAddress!
        workspace.permutation.withUnsafeBufferPointer { perm in
            var start = 0
            for batch in 0..<(full + (remainder >= 2 ? 1 : 0)) {
                var length = batch < full ? batchSize : remainder
                if remainder == 1 && batch == full - 1 { length += 1 }
                let members = UnsafeBufferPointer(rebasing: perm[start..<(start + length)])
                let weight = 1.0 / Double(length - 1)
                for member in members {
                    let yi = y + Int(member) * d
                    yi.update(repeating: 0, count: d)
                    interaction.accumulateSum(target: Int(member), sources: members, positions: x,
                                              dimension: d, weight: weight, into: yi)
                }
                start += length
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
