import Foundation
import NumericsCore

/// How the initial configuration X(0) ∈ ℝ^{N×d} is produced.
public enum InitialCondition: Sendable {
    /// i.i.d. N(0, s²·I) particles, drawn from the trajectory's initial-condition stream.
    case gaussian(standardDeviation: Double)
    /// Deterministic (d = 1): the N quantiles (k − ½)/N of the semicircle law on [−R, R],
    /// ρ(x) = 2/(πR²)·√(R² − x²) (Dyson reference problem).
    case semicircleQuantiles(radius: Double)
    /// A distribution of your own.
    case custom(any InitialDistribution)

    /// Writes X(0) (row-major N×d) into `positions`.
    public func fill(_ positions: inout [Double], particles n: Int, dimension d: Int, stream: RandomStream) {
        switch self {
        case .gaussian(let s):
            stream.fillGaussian(&positions, scale: s)
        case .custom(let distribution):
            distribution.fill(&positions, particles: n, dimension: d, stream: stream)
        case .semicircleQuantiles(let radius):
            for k in 0..<min(n, positions.count) {
                positions[k] = SemicircleLaw(radius: radius).quantile((Double(k) + 0.5) / Double(n))
            }
        }
    }
}

/// An initial distribution of X(0) ∈ ℝ^{N×d} for a problem of your own. `fill` receives a
/// zeroed array of N·d numbers and the trajectory's own keyed stream: draw every random number
/// from it, so that trajectories are reproducible for any thread count.
public protocol InitialDistribution: Sendable {
    /// The dimension the distribution is defined for, or nil for any.
    var dimension: Int? { get }
    func fill(_ positions: inout [Double], particles: Int, dimension: Int, stream: RandomStream)
}

extension InitialDistribution {
    public var dimension: Int? { nil }
}
