import NumericsCore

/// An estimator of the mean-field interaction sum at a fixed configuration x ∈ ℝ^{N×d}:
///
///     yᵢ(x) = (1/(N−1)) Σ_{j≠i} k(xᵢ, xⱼ),   i = 1..N.
///
/// This is the single seam of the toolkit: the same estimator object is
/// measured statically (bias, variance) and drives the dynamics (an integrator's drift).
/// Estimators hold no mutable state; scratch space lives in an ``EstimatorWorkspace`` and
/// randomness comes from the caller's ``RandomStream``.
public protocol InteractionSumEstimator: Sendable {
    /// Command-line name, e.g. "exact", "random-batch".
    var name: String { get }
    /// The estimator's size parameter (batch size p, keep probability π, …), if any.
    var size: Double? { get }
    /// E[ŷᵢ] = yᵢ for every configuration.
    var isUnbiased: Bool { get }
    /// Expected number of pair interactions evaluated per particle per call.
    func expectedCost(particles: Int) -> Double
    /// Writes ŷ (N×d, row-major) into `out`, overwriting it.
    func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>,
                  particles: Int, dimension: Int, into out: UnsafeMutableBufferPointer<Double>,
                  workspace: EstimatorWorkspace, stream: RandomStream)
}

/// Scratch memory for estimators, allocated once per trajectory (hot loops allocate nothing).
public final class EstimatorWorkspace {
    public var permutation: [Int32]
    /// Scratch for estimators that gather particles into contiguous rows (grown on first use,
    /// then reused: no allocation per call).
    public var gathered: [Double] = []
    /// Scratch for the exact sum's column layout (positions and sums, 2·d·⌈N/8⌉·8 values; grown
    /// on first use, then reused).
    public var columns: [Double] = []
    /// Scratch for estimators that draw each target's partners before summing them (N entries).
    public var partners: [Int32]
    /// Where each target of a block starts in `partners`, and how many sources it has
    /// (``targetBlock`` entries each; see ``PairInteraction/listedSums(targets:sources:starts:lengths:positions:dimension:weight:into:)``).
    public var listStarts = [Int](repeating: 0, count: EstimatorWorkspace.targetBlock)
    public var listLengths = [Int](repeating: 0, count: EstimatorWorkspace.targetBlock)

    /// Scratch for attention estimators (and the attention drift's inputs and output) when the
    /// particles are tokens: made when an attention drift first uses it (particle systems never do).
    public private(set) lazy var attention = AttentionWorkspace()

    /// Targets per call of `listedSums` in the sampled estimators: one vector of lanes.
    public static let targetBlock = 8

    public init(particles: Int) {
        permutation = (0..<Int32(particles)).map { $0 }
        partners = [Int32](repeating: 0, count: particles)
    }
}
