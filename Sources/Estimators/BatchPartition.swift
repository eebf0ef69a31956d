/// How a random permutation of N particles is cut into batches of size p (RBM-1, RBA).
///
/// Batches of p consecutive entries of the permutation; when p does not divide N
/// (r = N mod p): if r ≥ 2 the last r particles form one smaller batch (in a padded layout: r
/// real members and p − r masked padding slots); if r = 1 the leftover particle joins the last
/// full batch (size p + 1), since a singleton has no partner. Conditioned on its batch size s, a
/// particle's partners are then a uniform (s−1)-subset of the others, which is what makes the
/// weights 1/(s−1) (RBM) and (N−1)/(s−1) (weight-corrected RBA) unbiased for every N.
public struct BatchPartition: Sendable, Equatable {
    public let particles: Int
    public let batchSize: Int

    public init(particles n: Int, batchSize p: Int) {
        precondition(p >= 2 && p <= n, "batch size \(p) must be in [2, N = \(n)]")
        particles = n
        batchSize = p
    }

    /// Number of batches: ⌊N/p⌋, plus one when r = N mod p ≥ 2. O(1).
    @inlinable
    public var batchCount: Int { particles / batchSize + (particles % batchSize >= 2 ? 1 : 0) }

    /// Size of batch b, 0 ≤ b < ``batchCount``; batch b starts at entry b·p of the permutation.
    /// O(1), no allocation (the hot loops use it instead of ``sizes``).
    @inlinable
    public func size(ofBatch b: Int) -> Int {
        let full = particles / batchSize, remainder = particles % batchSize
        if b < full - 1 { return batchSize }
        if b == full - 1 { return remainder == 1 ? batchSize + 1 : batchSize }
        return remainder
    }

    /// Sizes of the batches in permutation order. O(N/p).
    public var sizes: [Int] { (0..<batchCount).map { size(ofBatch: $0) } }

    /// E over the partition of 1/(s−1), s the batch size of a given particle (= 1/(p−1) when p | N).
    public var meanInverseBatchWeight: Double {
        sizes.reduce(0) { $0 + Double($1) / Double(particles) / Double($1 - 1) }
    }

    /// g = E[1/(s−1)] − 1/(N−1): the finite-population variance factor of the RBM lemma.
    public var varianceFactor: Double { meanInverseBatchWeight - 1.0 / Double(particles - 1) }

    /// Expected partners per particle, E[s − 1] (pair interactions per particle).
    public var expectedPartners: Double {
        sizes.reduce(0) { $0 + Double($1) / Double(particles) * Double($1 - 1) }
    }

    /// Calls `body(members)` for each batch of `permutation` (a permutation of 0..<N). O(N).
    @inlinable
    public func forEachBatch(of permutation: UnsafeBufferPointer<Int32>, _ body: (UnsafeBufferPointer<Int32>) -> Void) {
        precondition(permutation.count == particles, "permutation of \(permutation.count) for N = \(particles)")
        for b in 0..<batchCount {
            let start = b * batchSize
            body(UnsafeBufferPointer(rebasing: permutation[start..<(start + size(ofBatch: b))]))
        }
    }
}
