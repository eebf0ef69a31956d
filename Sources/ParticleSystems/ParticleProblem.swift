import Estimators

/// A first-order interacting particle system (Jin–Li–Liu, arXiv 1812.10575):
///
///     dXᵢ = −∇V(Xᵢ) dt + (1/(N−1)) Σ_{j≠i} K(Xᵢ − Xⱼ) dt + σ dBᵢ,   i = 1..N.
///
/// Problem only: no algorithm, no state. See ``ReferenceProblem`` for the
/// shipped instances and what is known exactly about each.
public struct ParticleProblem: Sendable {
    public let name: String
    public let particles: Int
    public let dimension: Int
    public let potential: any ConfiningPotential
    public let interaction: any PairInteraction
    /// Additive noise σ (the same for every coordinate).
    public let noise: Double
    public let initialCondition: InitialCondition
    /// What is known exactly about this problem (used in reports).
    public let knownFacts: String
    /// True for one-dimensional singular kernels (Dyson): particles must never cross, and
    /// integrators report the first step at which they do.
    public let requiresOrdering: Bool
    /// ℝᵈ, or the unit sphere S^{d−1} (tangent projection of the drift and renormalisation after
    /// each step; see ``StateSpace``).
    public let stateSpace: StateSpace

    /// Stores the problem as given; ``validate()`` checks it (studies call it before any work).
    public init(name: String, particles: Int, dimension: Int, potential: any ConfiningPotential,
                interaction: any PairInteraction, noise: Double, initialCondition: InitialCondition,
                knownFacts: String, requiresOrdering: Bool = false, stateSpace: StateSpace = .euclidean) {
        self.name = name
        self.particles = particles
        self.dimension = dimension
        self.potential = potential
        self.interaction = interaction
        self.noise = noise
        self.initialCondition = initialCondition
        self.knownFacts = knownFacts
        self.requiresOrdering = requiresOrdering
        self.stateSpace = stateSpace
    }
}

/// A particle problem whose sizes or noise are outside their allowed range.
public struct InvalidProblem: Error, CustomStringConvertible, Equatable {
    public let parameter: String
    public let message: String
    public var description: String { "\(parameter): \(message)" }
}

extension ParticleProblem {
    /// Throws ``InvalidProblem`` unless N ≥ 2, d ≥ 1 and σ is a finite number ≥ 0 (and σ = 0,
    /// d ≥ 2 on the unit sphere).
    public func validate() throws {
        if particles < 2 { throw InvalidProblem(parameter: "particles", message: "must be ≥ 2 (got \(particles))") }
        if dimension < 1 { throw InvalidProblem(parameter: "dimension", message: "must be ≥ 1 (got \(dimension))") }
        if !(noise.isFinite && noise >= 0) { throw InvalidProblem(parameter: "noise", message: "must be a finite number ≥ 0 (got \(noise))") }
        if stateSpace == .unitSphere {
            if dimension < 2 { throw InvalidProblem(parameter: "dimension", message: "the unit sphere needs d ≥ 2 (got \(dimension))") }
            if noise != 0 { throw InvalidProblem(parameter: "noise", message: "dynamics on the unit sphere must be deterministic, σ = 0 (got \(noise))") }
        }
        if case .semicircleQuantiles = initialCondition, dimension != 1 {
            throw InvalidProblem(parameter: "initialCondition", message: "semicircle quantiles need d = 1 (got \(dimension))")
        }
        if case .custom(let distribution) = initialCondition, distribution.dimension.map({ $0 != dimension }) ?? false {
            throw InvalidProblem(parameter: "initialCondition", message: "draws dimension \(distribution.dimension!) but the problem has d = \(dimension)")
        }
    }
}
