import Foundation
import NumericsCore

/// The reference problems that the toolkit ships.
public enum ReferenceProblem: String, CaseIterable, Sendable, Codable {
    /// V = ½‖x‖², K(z) = 0.25·z/√(1+‖z‖²), σ = 0.5 by default; X(0) i.i.d. N(0, I).
    /// No closed form; K is bounded and 0.25-Lipschitz < 1 = strong convexity of V, so the RBM
    /// strong-error theorem applies uniformly in time.
    case smooth
    /// V = ½a‖x‖² (a = 1), K(z) = −κz (κ = 0.5), σ: a linear SDE, so the mean and covariance
    /// of the particle vector are known exactly (``LinearMeanField``).
    case linear
    /// Dyson Brownian motion, d = 1: dλⱼ = −λⱼ dt + (1/N) Σ_{k≠j} dt/(λⱼ−λₖ) + √(2/(βN)) dBⱼ
    /// (β = 2; its invariant law ∝ Π|λᵢ−λⱼ|^β e^{−(βN/2)Σλ²}, the GUE scaled to the semicircle on
    /// [−√2, √2]). X(0) = quantiles of the semicircle of radius 1; the mean-field limit stays a
    /// semicircle with R(t)² = 2 + (R(0)²−2)e^{−2t}. The kernel is singular: explicit Euler lets
    /// particles cross at any practical step, so studies integrate it with
    /// ``DysonSplitStepIntegrator`` (implicit repulsion on the ordered cone).
    ///
    /// Exact for every N: the second moment m₂ = (1/N)Σλⱼ² satisfies d E m₂/dt = −2 E m₂ + 1
    /// (Itô: −2m₂ from the confinement, (2/N²)·N(N−1)/2 from the repulsion, σ² = 1/N from the
    /// noise), so E m₂(t) = ½ + (m₂(0) − ½)e^{−2t} (``exactSecondMoment(time:particles:dimension:noise:)``);
    /// continuous-time RBM has the same law of m₂'s drift (each batch of s contributes
    /// (N−1)s/N² and the batches N/s times that), so the weak error of m₂ is a time-step error.
    case dyson
    /// The Thomson problem (``ThomsonProblem``): N unit charges on S² (d = 3), gradient flow of
    /// the Coulomb energy Σ_{i<j} 1/‖xᵢ − xⱼ‖ in the per-particle time unit, with the tangent
    /// projection and renormalisation; σ = 0; X(0) uniform on S² with separation ≥ 1/√N. Known
    /// minimal energies for N = 2 … 6, 12, 32.
    case thomson
    /// Bounded-confidence opinion dynamics (``OpinionDynamics``), d = 1: attraction α = 4 to
    /// every particle within distance 1, σ = 0.1 by default, X(0) uniform on [0, 10].
    case opinion

    /// R(0) of the dyson problem's initial semicircle.
    public static let dysonInitialRadius = 1.0

    /// The problem with N particles in dimension d (ignored for dyson and opinion, which have
    /// d = 1, and thomson, d = 3) and noise σ (nil: the problem's default; ignored for dyson,
    /// whose σ = √(2/(βN)), and for thomson, whose σ = 0).
    public func make(particles n: Int, dimension d: Int, noise: Double?) -> ParticleProblem {
        switch self {
        case .smooth:
            return ParticleProblem(
                name: rawValue, particles: n, dimension: d, potential: QuadraticPotential(strength: 1),
                interaction: BoundedSmoothKernel(strength: 0.25), noise: noise ?? 0.5,
                initialCondition: .gaussian(standardDeviation: 1),
                knownFacts: "V = ½‖x‖², K(z) = 0.25·z/√(1+‖z‖²): K bounded and 0.25-Lipschitz, V 1-strongly convex; no closed form.")
        case .linear:
            return linearModel(noise: noise).problem(particles: n, dimension: d)
        case .dyson:
            let beta = 2.0
            return ParticleProblem(
                name: rawValue, particles: n, dimension: 1, potential: QuadraticPotential(strength: 1),
                interaction: InverseDistanceKernel(strength: Double(n - 1) / Double(n)),
                noise: (2 / (beta * Double(n))).squareRoot(), initialCondition: .semicircleQuantiles(radius: Self.dysonInitialRadius),
                knownFacts: "Mean-field semicircle law ρ(x,t) = 2/(πR²)√(R²−x²) with R(t)² = 2 + (R(0)²−2)e^{−2t}, R(0) = 1; equilibrium (1/π)√(2−x²). E m₂(t) = ½ + (m₂(0)−½)e^{−2t} exactly for every N. Singular kernel: integrated by an implicit split step that keeps interacting particles ordered.",
                requiresOrdering: true)
        case .thomson:
            let known = ThomsonProblem.minimalEnergies.keys.sorted().map { "\($0): \(ThomsonProblem.minimalEnergies[$0]!)" }.joined(separator: ", ")
            return ParticleProblem(
                name: rawValue, particles: n, dimension: 3, potential: NoPotential(), interaction: CoulombKernel(strength: 1),
                noise: 0, initialCondition: .custom(SeparatedSphereUniform(minimumSeparation: ThomsonProblem.defaultMinimumSeparation(particles: n))),
                knownFacts: "Thomson problem on S²: gradient flow of E/(N−1), E = Σ_{i<j} 1/‖xᵢ−xⱼ‖, with the tangent projection (projected Euler, renormalised each step). Known minimal energies (N: min E) \(known); for N ≤ 12 the minimum is the only local minimum up to rotation. Coulomb kernel: singular and not Lipschitz, so the RBM strong-error theorem does not apply; the batch sum is unbiased.",
                stateSpace: .unitSphere)
        case .opinion:
            return OpinionDynamics().problem(particles: n, noise: noise)
        }
    }

    /// The linear system's parameters (a = 1, κ = 0.5, s₀ = 1, σ or 0.5) on ``linear``; nil otherwise.
    public func linearMeanField(noise: Double?) -> LinearMeanField? {
        self == .linear ? linearModel(noise: noise) : nil
    }

    private func linearModel(noise: Double?) -> LinearMeanField {
        LinearMeanField(confinement: 1, coupling: 0.5, noise: noise ?? 0.5, initialStandardDeviation: 1)
    }

    /// E[(1/N) Σᵢ ‖Xᵢ(t)‖²] of the exact system in closed form, where one exists (``linear``,
    /// see ``LinearMeanField``; ``dyson``, ½ + (m₂(0) − ½)e^{−2t} from its deterministic X(0));
    /// nil otherwise.
    public func exactSecondMoment(time t: Double, particles n: Int, dimension d: Int, noise: Double?) -> Double? {
        switch self {
        case .linear: return linearModel(noise: noise).expectedSecondMoment(time: t, particles: n, dimension: d)
        case .dyson:
            let law = SemicircleLaw(radius: Self.dysonInitialRadius)
            let m0 = (0..<n).reduce(0.0) { s, k in let q = law.quantile((Double(k) + 0.5) / Double(n)); return s + q * q } / Double(n)
            return 0.5 + (m0 - 0.5) * exp(-2 * t)
        case .smooth: return nil
        case .thomson, .opinion: return nil
        }
    }

    /// The dimension the problem has whatever is requested (dyson and opinion: 1; thomson: 3),
    /// or nil when any d ≥ 1 is allowed.
    public var fixedDimension: Int? {
        switch self {
        case .smooth, .linear: return nil
        case .dyson: return 1
        case .thomson: return 3
        case .opinion: return 1
        }
    }

    /// The dimension of the problem for a requested d (see ``fixedDimension``).
    public func dimension(requested d: Int) -> Int { fixedDimension ?? d }
}
