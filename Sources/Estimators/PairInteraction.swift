/// A pairwise interaction k(xᵢ, xⱼ) ∈ ℝᵈ between particles in ℝᵈ, the summand of the
/// mean-field sum yᵢ = (1/(N−1)) Σ_{j≠i} k(xᵢ, xⱼ).
///
/// For the particle systems of Jin–Li–Liu (arXiv 1812.10575) k(xᵢ, xⱼ) = K(xᵢ − xⱼ); the
/// two-argument form also covers attention-type interactions e^{β⟨Qxᵢ,Kxⱼ⟩}Vxⱼ.
/// Conforming types implement `accumulate` with `@inline(__always)`; the sums below are
/// `@inlinable` so they are specialised for each concrete interaction.
public protocol PairInteraction: Sendable {
    /// A short identifier, e.g. "bounded-attraction".
    var name: String { get }
    /// out[0..<d] += weight · k(xᵢ, xⱼ), with xᵢ, xⱼ pointing at d consecutive coordinates.
    func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int,
                    weight: Double, into out: UnsafeMutablePointer<Double>)
    /// out[0..<d] += weight · Σ_{j ∈ sources, j ≠ i} k(xᵢ, xⱼ). O(|sources|·d).
    func accumulateSum(target i: Int, sources: UnsafeBufferPointer<Int32>, positions: UnsafePointer<Double>,
                       dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>)
    /// out[0..<d] += weight · Σ_{j ∈ 0..<count, j ≠ i} k(xᵢ, xⱼ). O(N·d).
    func accumulateSum(target i: Int, count: Int, positions: UnsafePointer<Double>,
                       dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>)
    /// Rows `targets` of out (row i at out + i·d) ← weight · Σ_{j ∈ 0..<count, j ≠ i} k(xᵢ, xⱼ):
    /// the exact sums of a block of targets. Kernels override it with a vectorised version that
    /// keeps each target's summation order (j increasing) and roundings, so the result is
    /// bit-identical to ``exactSumsPerPair(_:targets:count:positions:dimension:weight:into:)``.
    /// O(|targets|·N·d).
    func exactSums(targets: Range<Int>, count: Int, positions: UnsafePointer<Double>,
                   dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>)
    /// Rows `targets` of out (row i at out + i·d) ← weight · Σₖ k(xᵢ, x_{sources[starts[t] + k]}), the sum
    /// over k = 0, 1, …, lengths[t] − 1 in that order with t = i − targets.lowerBound, terms with source
    /// i skipped: the sampled sums of a block of targets, each over its own list of sources (a shared
    /// list when every start is equal). Kernels override it with a version vectorised over targets that
    /// keeps each target's order and roundings, so the result is bit-identical to
    /// ``listedSumsPerTarget(_:targets:sources:starts:lengths:positions:dimension:weight:into:)``.
    /// O(Σₜ lengths[t] · d).
    func listedSums(targets: Range<Int>, sources: UnsafePointer<Int32>, starts: UnsafePointer<Int>,
                    lengths: UnsafePointer<Int>, positions: UnsafePointer<Double>, dimension: Int, weight: Double,
                    into out: UnsafeMutablePointer<Double>)
    /// The exact sums of `batches` consecutive batches of `batchSize` rows each, every batch on its
    /// own: for the batch starting at row s, rows s ..< s + batchSize of out ← what
    /// `exactSums(targets: 0..<batchSize, count: batchSize, positions: positions + s·d, …)` writes.
    /// Kernels override it to sum several small batches per vector, bit-identically. O(batches·p²·d).
    func batchSums(batches: Int, batchSize: Int, positions: UnsafePointer<Double>, dimension: Int,
                   weight: Double, into out: UnsafeMutablePointer<Double>)
    /// The vectorised Newton's-third-law kernel of an antisymmetric interaction, k(xⱼ, xᵢ) = −k(xᵢ, xⱼ)
    /// bit for bit, in `dimension`; nil (the default) if the interaction has none, and then
    /// ``ExactInteractionSum`` sums per target. Its arithmetic may differ from `accumulate` (e.g. fused
    /// multiply-adds) if the conforming type documents the bound on the difference; it must give the
    /// same bits on every CPU.
    func antisymmetricBlockPairKernel(dimension: Int) -> AntisymmetricBlockPairKernel?
}

/// A kernel that evaluates each pair of an antisymmetric interaction once and updates both particles
/// (Newton's third law), on two blocks of particles in column layout; see `cnumerics_smooth_block_pair`
/// for the contract of `function`: (xs, ys, stride, n, d, aFirst, aEnd, bFirst, bEnd, weight·strength).
/// `function` is a C function with no state of its own, called concurrently on disjoint block pairs.
public struct AntisymmetricBlockPairKernel: Sendable {
    public typealias Function = @Sendable @convention(c) (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int, Int, Int,
                                                Int, Int, Int, Int, Double) -> Void
    /// The factor of the sum's weight w the kernel receives (w·strength).
    public let strength: Double
    public let function: Function
    /// Whether the columns should not lie a multiple of 4 KiB apart
    /// (``ExactInteractionSum/columnStride(paddedParticles:)``): for kernels that re-read a tile's d
    /// columns from memory (the two-pass fused kernel); kernels holding a tile in registers read each
    /// column once per tile and ran about 2% slower skewed (d = 2, 3, N = 16 384). Layout only.
    public let skewsColumns: Bool

    public init(strength: Double, function: Function, skewsColumns: Bool = false) {
        self.strength = strength
        self.function = function
        self.skewsColumns = skewsColumns
    }
}

extension PairInteraction {
    public func antisymmetricBlockPairKernel(dimension: Int) -> AntisymmetricBlockPairKernel? { nil }

    @inlinable
    public func accumulateSum(target i: Int, sources: UnsafeBufferPointer<Int32>, positions: UnsafePointer<Double>,
                              dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>) {
        let xi = positions + i * dimension
        for source in sources {
            let j = Int(source)
            if j != i { accumulate(xi, positions + j * dimension, dimension: dimension, weight: weight, into: out) }
        }
    }

    @inlinable
    public func listedSums(targets: Range<Int>, sources: UnsafePointer<Int32>, starts: UnsafePointer<Int>,
                           lengths: UnsafePointer<Int>, positions: UnsafePointer<Double>, dimension: Int, weight: Double,
                           into out: UnsafeMutablePointer<Double>) {
        listedSumsPerTarget(self, targets: targets, sources: sources, starts: starts, lengths: lengths,
                            positions: positions, dimension: dimension, weight: weight, into: out)
    }

    @inlinable
    public func exactSums(targets: Range<Int>, count: Int, positions: UnsafePointer<Double>,
                          dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>) {
        exactSumsPerPair(self, targets: targets, count: count, positions: positions, dimension: dimension,
                         weight: weight, into: out)
    }

    public func batchSums(batches: Int, batchSize p: Int, positions: UnsafePointer<Double>, dimension d: Int,
                          weight: Double, into out: UnsafeMutablePointer<Double>) {
        for b in 0..<batches {
            exactSums(targets: 0..<p, count: p, positions: positions + b * p * d, dimension: d, weight: weight,
                      into: out + b * p * d)
        }
    }

    @inlinable
    public func accumulateSum(target i: Int, count: Int, positions: UnsafePointer<Double>,
                              dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>) {
        let xi = positions + i * dimension
        for j in 0..<count where j != i {
            accumulate(xi, positions + j * dimension, dimension: dimension, weight: weight, into: out)
        }
    }
}

/// The scalar reference of ``PairInteraction/exactSums(targets:count:positions:dimension:weight:into:)``:
/// for each target, its row set to 0, then `accumulate` over j = 0, 1, …, count − 1 (j ≠ i) in
/// that order. O(|targets|·N·d).
@inlinable
public func exactSumsPerPair<K: PairInteraction>(_ interaction: K, targets: Range<Int>, count: Int,
                                                 positions: UnsafePointer<Double>, dimension d: Int, weight: Double,
                                                 into out: UnsafeMutablePointer<Double>) {
    for i in targets {
        let yi = out + i * d
        yi.update(repeating: 0, count: d)
        interaction.accumulateSum(target: i, count: count, positions: positions, dimension: d, weight: weight, into: yi)
    }
}

/// The scalar reference of
/// ``PairInteraction/listedSums(targets:sources:starts:lengths:positions:dimension:weight:into:)``: for each
/// target, its row set to 0, then `accumulate` over its list in order (source i skipped).
/// O(Σₜ lengths[t] · d).
@inlinable
public func listedSumsPerTarget<K: PairInteraction>(_ interaction: K, targets: Range<Int>, sources: UnsafePointer<Int32>,
                                                   starts: UnsafePointer<Int>, lengths: UnsafePointer<Int>,
                                                   positions: UnsafePointer<Double>, dimension d: Int, weight: Double,
                                                   into out: UnsafeMutablePointer<Double>) {
    for i in targets {
        let t = i - targets.lowerBound, yi = out + i * d
        yi.update(repeating: 0, count: d)
        interaction.accumulateSum(target: i, sources: UnsafeBufferPointer(start: sources + starts[t], count: lengths[t]),
                                  positions: positions, dimension: d, weight: weight, into: yi)
    }
}
