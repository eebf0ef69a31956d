import NumericsCore

/// The exact O(N²) interaction sum yᵢ = (1/(N−1)) Σ_{j≠i} k(xᵢ, xⱼ): the N-body reference.
///
/// Parallel over blocks of 64 targets when `threads > 1`. Each target's sum runs over j in
/// increasing order whatever the thread count and however the kernel vectorises over targets
/// (``PairInteraction/exactSums(targets:count:positions:dimension:weight:into:)``), so results
/// are bit-identical for any thread count. Time O(N²·d), memory O(N·d).
public struct ExactInteractionSum: InteractionSumEstimator {
    public let threads: Int

    public init(threads: Int = 1) {
        precondition(threads >= 1, "threads = \(threads)")
        self.threads = threads
    }

    public var name: String { "exact" }
    public var size: Double? { nil }
    public var isUnbiased: Bool { true }
    public func expectedCost(particles: Int) -> Double { Double(particles - 1) }

    public func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>,
                         particles n: Int, dimension d: Int, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        precondition(n >= 2 && positions.count >= n * d && out.count >= n * d, "exact sum: N = \(n), d = \(d)")
        let weight = 1.0 / Double(n - 1)
        let x = positions.baseAddress!, y = out.baseAddress!
        let blockSize = 64
        let blocks = (n + blockSize - 1) / blockSize
        parallelForEach(blocks, threads: threads) { block in
            interaction.exactSums(targets: (block * blockSize)..<min(n, (block + 1) * blockSize), count: n,
                                  positions: x, dimension: d, weight: weight, into: y)
        }
    }
}
