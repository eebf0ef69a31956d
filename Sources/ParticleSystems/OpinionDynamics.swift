import NumericsCore

/// Bounded-confidence opinion dynamics on the line (Hegselmann–Krause type, continuous time;
/// Motsch & Tadmor, SIAM Rev. 56 (2014), arXiv 1301.4123):
///
///     dxᵢ = (α/(N−1)) Σ_{j≠i} φ(|xⱼ − xᵢ|)(xⱼ − xᵢ) dt + σ dBᵢ,   φ = 1_[0,r],
///
/// with the defaults α = 4, r = 1, σ = 0.1 and xᵢ(0) i.i.d. uniform on [0, L], L = 10: a spread
/// of ten confidence radii, which for σ = 0 and large N freezes into about L/(2r) clusters
/// (consensus is not reached: groups farther than r apart stop interacting). α = 4 makes a
/// cluster holding a fraction f of the particles contract at rate αf ≈ 0.8 for f = 1/5, so the
/// clusters form by t ≈ 5; it keeps the RBM pair update stable (τ·α ≤ 1/2 on the default grid).
///
/// What is known exactly (σ = 0): the mean (1/N) Σ xᵢ is conserved (φ is symmetric); the
/// diameter of the configuration does not increase; groups whose hulls are more than r apart and
/// of diameter ≤ r never interact, and each converges to its own mean. An Euler step with
/// τα ≤ 1 moves every particle to a convex combination of its neighbours' positions, for the
/// exact sum and for every random batch (weights τα/(p−1) ≤ 1/(p−1) summing to at most 1), so
/// these facts hold for the discrete exact and RBM dynamics too.
///
/// The kernel is bounded but discontinuous at |z| = r: the RBM consistency (the batch drift is
/// an unbiased estimate of the full drift) holds at every configuration, but the O(√τ) strong
/// bound of Jin–Li–Liu (arXiv 1812.10575) assumes a Lipschitz kernel and does not apply.
public struct OpinionDynamics: Sendable {
    public var attraction: Double = 4
    public var confidenceRadius: Double = 1
    public var noise: Double = 0.1
    public var initialSpread: Double = 10

    public init() {}

    /// The particle problem with N particles (d = 1) and noise σ (nil: the default 0.1).
    public func problem(particles n: Int, noise: Double? = nil) -> ParticleProblem {
        ParticleProblem(
            name: "opinion", particles: n, dimension: 1, potential: NoPotential(),
            interaction: BoundedConfidenceKernel(strength: attraction, radius: confidenceRadius), noise: noise ?? self.noise,
            initialCondition: .custom(UniformInterval(lower: 0, upper: initialSpread)),
            knownFacts: "Bounded confidence φ = 1_[0,\(shortNumber(confidenceRadius))], α = \(shortNumber(attraction)), X(0) uniform on [0, \(shortNumber(initialSpread))]. For σ = 0 the mean is conserved, the diameter does not grow and groups more than \(shortNumber(confidenceRadius)) apart never interact (also for Euler and RBM steps with τα ≤ 1); the kernel is discontinuous, so the RBM strong-error theorem (Lipschitz kernel) does not apply, only the consistency E[batch drift] = full drift.")
    }
}

/// i.i.d. uniform particles on [lower, upper] (d = 1).
public struct UniformInterval: InitialDistribution {
    public let lower: Double
    public let upper: Double
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }
    public var dimension: Int? { 1 }

    public func fill(_ positions: inout [Double], particles: Int, dimension: Int, stream: RandomStream) {
        for k in positions.indices { positions[k] = lower + (upper - lower) * stream.uniform() }
    }
}

/// Clusters of points on the line: the maximal groups whose consecutive gaps, after sorting, are
/// all below `gapThreshold`. A new cluster starts at every gap ≥ the threshold, so the count is
/// 1 + #{k : x₍ₖ₊₁₎ − x₍ₖ₎ ≥ threshold}. The default threshold r/2 (half the confidence radius)
/// separates the frozen clusters of bounded-confidence dynamics (more than r apart) while a
/// cluster still contracting, or jittering with σ = 0.1, has gaps well below it. O(N log N).
public struct OpinionClusters: Sendable {
    public let gapThreshold: Double
    public init(gapThreshold: Double = 0.5) { self.gapThreshold = gapThreshold }

    public func count(_ x: [Double]) -> Int {
        guard !x.isEmpty else { return 0 }
        let sorted = x.sorted()
        var clusters = 1
        for k in sorted.indices.dropFirst() where sorted[k] - sorted[k - 1] >= gapThreshold { clusters += 1 }
        return clusters
    }
}

func shortNumber(_ x: Double) -> String {
    x == x.rounded() && abs(x) < 1e6 ? String(Int(x)) : String(x)
}
