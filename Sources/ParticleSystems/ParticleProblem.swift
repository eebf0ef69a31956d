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

    public init(name: String, particles: Int, dimension: Int, potential: any ConfiningPotential,
                interaction: any PairInteraction, noise: Double, initialCondition: InitialCondition,
                knownFacts: String, requiresOrdering: Bool = false) {
        precondition(particles >= 2 && dimension >= 1 && noise >= 0 && noise.isFinite,
                     "problem \(name): N = \(particles), d = \(dimension), σ = \(noise)")
        self.name = name
        self.particles = particles
        self.dimension = dimension
        self.potential = potential
        self.interaction = interaction
        self.noise = noise
        self.initialCondition = initialCondition
        self.knownFacts = knownFacts
        self.requiresOrdering = requiresOrdering
    }
}
