import CNumerics
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
/// **Layout.** The positions are gathered in permutation order into contiguous scratch (rows a
/// few dozen places ahead prefetched; likewise the output rows in the scatter), each batch's exact sums are computed on its contiguous
/// rows (``PairInteraction/exactSums(targets:count:positions:dimension:weight:into:)``, vectorised
/// for the smooth kernel), and the results scattered back: the random accesses are two simple,
/// independent passes the memory system can overlap, instead of dependent gathers inside the
/// kernel. Each particle's partners are summed in batch order, as before, so results are unchanged
/// bit for bit.
///
/// **Scaling.** Once the rows no longer fit in cache (N·d·8 bytes beyond a few MiB) the gather and
/// the scatter are limited by how many row misses can be in flight at once, not by bandwidth: both
/// prefetch into the second-level cache, which keeps more misses in flight than prefetching into
/// the first (the measurements are in the C kernel's comment, `prefetch.c`). A cache-blocked
/// permutation (bucket the indices with their rows by a random label, shuffle each bucket in
/// cache, scatter back by destination range) turns these random accesses into sequential streams,
/// but a C prototype of the step's passes measured it slower on the same machine at N = 10⁵ and 10⁶:
/// its five sequential passes over N records cost more than the two prefetched random ones.
///
/// Cost: O(p·N·d) per call (p−1 interactions per particle), memory O(N·d) (the scratch, reused).
public struct RandomBatchInteractionSum: InteractionSumEstimator {
    public let batchSize: Int

    public init(batchSize: Int) {
        precondition(batchSize >= 2, "batch size \(batchSize) < 2")
        self.batchSize = batchSize
    }

    /// How many permutation entries ahead the gather prefetches rows (enough to cover a memory
    /// latency at a few ns per row, few enough to stay in L1).
    static let gatherLookahead = 64

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
        if workspace.gathered.count < 2 * n * d { workspace.gathered = [Double](repeating: 0, count: 2 * n * d) }
        let partition = partition(particles: n)
        let lookahead = Self.gatherLookahead
        workspace.permutation.withUnsafeBufferPointer { perm in
            workspace.gathered.withUnsafeMutableBufferPointer { scratch in
                let xp = scratch.baseAddress!, yp = xp + n * d, rows = perm.baseAddress!
                // Gather in permutation order; rows `lookahead` places ahead are prefetched.
                for k in 0..<n {
                    if k % 8 == 0 && k + lookahead < n { cnumerics_prefetch_rows_for_reading(x, rows + k + lookahead, min(8, n - k - lookahead), d) }
                    let source = x + Int(rows[k]) * d, target = xp + k * d
                    for c in 0..<d { target[c] = source[c] }
                }
                // Each batch is now `length` contiguous rows: its exact sums, the leading batches of
                // exactly p rows in one call (several per vector where the kernel can).
                let uniform = n / batchSize - (n % batchSize == 1 ? 1 : 0)
                interaction.batchSums(batches: uniform, batchSize: batchSize, positions: xp, dimension: d,
                                      weight: 1.0 / Double(batchSize - 1), into: yp)
                for b in uniform..<partition.batchCount {
                    let start = b * batchSize, length = partition.size(ofBatch: b)
                    interaction.exactSums(targets: 0..<length, count: length, positions: xp + start * d, dimension: d,
                                          weight: 1.0 / Double(length - 1), into: yp + start * d)
                }
                // Scatter back; the target rows are prefetched here, not during the gather: at large N
                // a line fetched then is evicted long before the scatter reaches it.
                for k in 0..<n {
                    if k % 8 == 0 && k + lookahead < n { cnumerics_prefetch_rows_for_writing(y, rows + k + lookahead, min(8, n - k - lookahead), d) }
                    let source = yp + k * d, target = y + Int(rows[k]) * d
                    for c in 0..<d { target[c] = source[c] }
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

