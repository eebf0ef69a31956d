import NumericsCore
import ParticleSystems

/// One trajectory's distances between empirical measures of Dyson Brownian motion and the
/// semicircle law of the mean-field limit at the checkpoints tⱼ = j·T/K
/// (``ConvergenceConfiguration/checkpointTimes``; the last is T): Wasserstein-1 and Kolmogorov,
/// exact for the empirical measure (``EmpiricalDistanceToLaw``), against the semicircle of radius
/// R(tⱼ), R(t)² = 2 + (R(0)² − 2)e^{−2t} (``SemicircleLaw/dysonRadius(at:initialRadius:)``).
public struct SemicircleDistanceSamples: Codable, Sendable, Equatable {
    /// [checkpoint]: the reference (the exact system at the reference step).
    public var referenceW1: [Double]
    public var referenceKolmogorov: [Double]
    /// [level][checkpoint]: the exact system at each τ.
    public var fullW1: [[Double]]
    public var fullKolmogorov: [[Double]]
    /// [batch size][level][checkpoint]: RBM at each p and τ.
    public var approximateW1: [[[Double]]]
    public var approximateKolmogorov: [[[Double]]]

    /// Empty lists for `levels` levels and `batches` batch sizes, filled as the runs finish.
    init(levels: Int, batches: Int) {
        referenceW1 = []
        referenceKolmogorov = []
        fullW1 = []
        fullKolmogorov = []
        approximateW1 = Array(repeating: [], count: batches)
        approximateKolmogorov = Array(repeating: [], count: batches)
        _ = levels
    }

    /// (W₁, Kolmogorov) between the empirical measure of `state` (N points, any order) and the
    /// semicircle at time t started from radius `initialRadius`. O(N log N).
    public static func distances(of state: [Double], at t: Double, initialRadius: Double) -> (w1: Double, kolmogorov: Double) {
        let law = SemicircleLaw(radius: SemicircleLaw.dysonRadius(at: t, initialRadius: initialRadius))
        let sorted = state.sorted()
        guard sorted.allSatisfy({ $0.isFinite }) else { return (.nan, .nan) }
        return (EmpiricalDistanceToLaw.wasserstein1(sorted: sorted, law: law),
                EmpiricalDistanceToLaw.kolmogorov(sorted: sorted, law: law))
    }

    /// The distances of the states at every checkpoint: ([W₁], [Kolmogorov]).
    static func profile(_ states: [[Double]], times: [Double], initialRadius: Double) -> ([Double], [Double]) {
        let pairs = zip(states, times).map { distances(of: $0, at: $1, initialRadius: initialRadius) }
        return (pairs.map(\.w1), pairs.map(\.kolmogorov))
    }
}
