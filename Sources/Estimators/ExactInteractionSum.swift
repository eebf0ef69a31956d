import CNumerics
import NumericsCore

/// The exact O(N²) interaction sum yᵢ = (1/(N−1)) Σ_{j≠i} k(xᵢ, xⱼ): the N-body reference.
///
/// **Antisymmetric kernels** (k(xⱼ, xᵢ) = −k(xᵢ, xⱼ), with a
/// ``PairInteraction/antisymmetricBlockPairKernel(dimension:)``) use Newton's third law: each
/// unordered pair is evaluated once and its term added to one particle and subtracted from the
/// other, N(N−1)/2 evaluations instead of N(N−1). The particles, in column layout, are cut into
/// blocks of ``blockPairSize(particles:)`` (a function of N only); every block is first paired with
/// itself, then the block pairs run in the rounds of a round-robin tournament (circle method), whose
/// pairs are disjoint, so a round's pairs run in parallel without sharing a block and each particle
/// receives its partial sums in an order fixed by N alone: results are bit-identical for any thread
/// count. When every term is the one the per-target path adds (the kernel keeps `accumulate`'s
/// roundings), only their order differs, so (Higham, *Accuracy and Stability of Numerical
/// Algorithms*, §4.2: any summation order of m terms errs by at most γ_{m−1} Σ|terms|,
/// γ_m = m·u/(1 − m·u), u = 2⁻⁵³) the two paths differ per coordinate by at most
/// 2γ_{N−2}·Σ_{j≠i}|weight·k(xᵢ, xⱼ)|. A kernel may instead round with fused multiply-adds (the
/// smooth kernel above d = 8, see ``PairInteraction/antisymmetricBlockPairKernel(dimension:)``); its
/// own bound then applies, and results are still bit-identical for any thread count.
///
/// **Other kernels** run per target, parallel over blocks of 64 targets when `threads > 1`, each
/// target's sum over j in increasing order
/// (``PairInteraction/exactSums(targets:count:positions:dimension:weight:into:)``), so results are
/// again bit-identical for any thread count.
///
/// Time O(N²·d), memory O(N·d) (the column layout lives in the workspace).
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

    /// Block size of the Newton's-third-law schedule for N particles: a multiple of 8, at least 256
    /// (so the N ≤ 256 the studies use is one block without any round), about N/32 above 8192 (at
    /// most 32 blocks: 32 rounds of 16 pairs).
    public static func blockPairSize(particles n: Int) -> Int { max(256, (n + 255) / 256 * 8) }

    /// Distance in doubles between the columns of the column layout of a kernel that
    /// ``AntisymmetricBlockPairKernel/skewsColumns``, for `padded` = N rounded up to a multiple of 8:
    /// `padded` below 512, else the least stride ≥ `padded` that is 8 (64 bytes) more than a multiple of
    /// 512 (4 KiB). Columns a multiple of 4 KiB apart map coordinate c of a particle to the same L1 set
    /// for every c (at N = 4096, d = 16 that halved the speed of the two-pass fused kernel); the skew
    /// spreads them. Other kernels use `padded`. Layout only: no result depends on it. O(1).
    public static func columnStride(paddedParticles padded: Int) -> Int {
        padded < 512 ? padded : (padded + 503) / 512 * 512 + 8
    }

    public func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>,
                         particles n: Int, dimension d: Int, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        precondition(n >= 2 && positions.count >= n * d && out.count >= n * d, "exact sum: N = \(n), d = \(d)")
        let weight = 1.0 / Double(n - 1)
        let x = positions.baseAddress!, y = out.baseAddress!
        if let kernel = interaction.antisymmetricBlockPairKernel(dimension: d) {
            blockPairSums(kernel, positions: x, particles: n, dimension: d, weight: weight, into: y, workspace: workspace)
            return
        }
        let blockSize = 64
        let blocks = (n + blockSize - 1) / blockSize
        // Every block reads all positions and writes only the sums of its own particles.
        let shared = (x: SharedInput(positions), y: DisjointOutput(out))
        parallelForEach(blocks, threads: threads) { block in
            interaction.exactSums(targets: (block * blockSize)..<min(n, (block + 1) * blockSize), count: n,
                                  positions: shared.x.pointer, dimension: d, weight: weight, into: shared.y.pointer)
        }
    }

    /// The Newton's-third-law schedule described above. O(N²·d) with N(N−1)/2 kernel evaluations.
    private func blockPairSums(_ kernel: AntisymmetricBlockPairKernel, positions x: UnsafePointer<Double>,
                               particles n: Int, dimension d: Int, weight: Double, into y: UnsafeMutablePointer<Double>,
                               workspace: EstimatorWorkspace) {
        let padded = (n + 7) / 8 * 8, stride = kernel.skewsColumns ? Self.columnStride(paddedParticles: padded) : padded
        let size = Self.blockPairSize(particles: n), blocks = (padded + size - 1) / size
        // 8 spare doubles: the columns start on a 64-byte boundary, so no 8-lane load spans two cache
        // lines (an array's storage is only 16-byte aligned; misaligned, the fused kernel ran 6% slower).
        let needed = 2 * d * stride + 8
        if workspace.columns.count < needed { workspace.columns = [Double](repeating: 0, count: needed) }
        let weightStrength = weight * kernel.strength
        workspace.columns.withUnsafeMutableBufferPointer { scratch in
            let misalignment = Int(bitPattern: scratch.baseAddress!) % 64 / MemoryLayout<Double>.stride
            let xs = scratch.baseAddress! + (8 - misalignment) % 8, ys = xs + d * stride
            cnumerics_rows_to_columns(x, n, d, stride, xs)
            ys.update(repeating: 0, count: d * stride)
            // The pairs of one parallelForEach touch disjoint blocks: the diagonal pass one block each,
            // a round of the circle method two distinct blocks per pair, every block in at most one pair.
            let columns = (xs: SharedInput(UnsafeBufferPointer(start: xs, count: d * stride)),
                           ys: DisjointOutput(UnsafeMutableBufferPointer(start: ys, count: d * stride)))
            @Sendable func pair(_ a: Int, _ b: Int) {
                kernel.function(columns.xs.pointer, columns.ys.pointer, stride, n, d, a * size, min(padded, (a + 1) * size), b * size,
                                min(padded, (b + 1) * size), weightStrength)
            }
            parallelForEach(blocks, threads: threads) { pair($0, $0) }
            // Circle method over m = blocks rounded up to even (block m − 1 is a bye when blocks is odd):
            // round r pairs r with m − 1 and (r + k) mod (m − 1) with (r − k) mod (m − 1), k = 1 … m/2 − 1.
            let m = blocks + blocks % 2
            for round in 0..<(m - 1) {
                parallelForEach(m / 2, threads: threads) { k in
                    let a = k == 0 ? round : (round + k) % (m - 1)
                    let b = k == 0 ? m - 1 : (round - k + m - 1) % (m - 1)
                    if a < blocks && b < blocks { pair(min(a, b), max(a, b)) }
                }
            }
            cnumerics_columns_to_rows(ys, n, d, stride, y)
        }
    }
}
