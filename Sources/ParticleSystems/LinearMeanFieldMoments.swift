import Foundation

/// Exact second moments of the discrete schemes on the linear system (``LinearMeanField``):
/// full Euler–Maruyama, the Random Batch Method (RBM-1, p | N) and RBM with replacement
/// (RBM-r, ``RandomBatchReplacementIntegrator``), each as an exact recursion in expectation over
/// the noise and the random batches, and the invariant measure of the exact system.
///
/// Every scheme maps the particle vector linearly: for i in a batch B (|B| = q),
///
///     Xᵢ' = α Xᵢ + β Σ_{j∈B, j≠i} Xⱼ + s ξᵢ,   α = 1 − h(a + κ), β = hκ/(q − 1), s = σ√h,
///
/// with a the confinement, κ the coupling and h the step. The batches are drawn by a
/// permutation-invariant rule, so the law stays exchangeable when it starts so, and its second
/// moments are then the two numbers u = E‖Xᵢ‖² and v = E⟨Xᵢ, Xⱼ⟩ (i ≠ j). One step maps (u, v)
/// affinely; for i, j in the same batch
///
///     u' = α²u + 2αβ(q−1)v + β²[(q−1)u + (q−1)(q−2)v] + s²d,
///     v'_same = α²v + 2αβu + 2αβ(q−2)v + β²v + 2β²(q−2)v + β²(q−2)u + β²(q−2)(q−3)v,
///
/// and for i, j in different batches of RBM-1 v' = (α + β(q−1))²v; an RBM-r pseudo-step that
/// moves i but not j gives (α + β(q−1))v and one that moves neither leaves u, v. E f for
/// f = (1/N)Σ‖Xᵢ‖² is u. X(0) i.i.d. N(0, s₀²I) gives u₀ = d·s₀², v₀ = 0. O(T/τ) per value
/// (times ⌈N/p⌉ pseudo-steps for RBM-r).
///
/// These are the exact expected values the Monte Carlo studies estimate, so their intervals can
/// be checked for coverage against them (no reference error). References: Jin–Li–Liu, arXiv
/// 1812.10575 (RBM-1, RBM-r); Ye–Zhou, arXiv 2206.02166 (long-time error of RBM).
public struct LinearMeanFieldMoments: Sendable {
    public let system: LinearMeanField
    public let particles: Int
    public let dimension: Int

    public init(system: LinearMeanField, particles n: Int, dimension d: Int) {
        precondition(n >= 2 && d >= 1, "linear moments: N = \(n), d = \(d)")
        self.system = system
        self.particles = n
        self.dimension = d
    }

    /// (u, v) = (E‖Xᵢ‖², E⟨Xᵢ, Xⱼ⟩), i ≠ j.
    public struct PairMoments: Sendable, Equatable {
        public var u: Double
        public var v: Double
        public init(u: Double, v: Double) { self.u = u; self.v = v }
    }

    /// The moments of X(0): u = d·s₀², v = 0.
    public var initial: PairMoments {
        let s = system.initialStandardDeviation
        return PairMoments(u: Double(dimension) * s * s, v: 0)
    }

    /// One full step of RBM-1 with batches of q particles (q | N; q = N is full Euler–Maruyama)
    /// and step h.
    public func randomBatchStep(_ m: PairMoments, batchSize q: Int, timeStep h: Double) -> PairMoments {
        let n = Double(particles)
        let (inBatch, same) = batchMoments(m, batchSize: q, timeStep: h)
        let a = alpha(h), b = beta(h, batchSize: q), qq = Double(q)
        let pSame = (qq - 1) / (n - 1)
        let different = (a + b * (qq - 1)) * (a + b * (qq - 1)) * m.v
        return PairMoments(u: inBatch, v: pSame * same + (1 - pSame) * different)
    }

    /// One pseudo-step of RBM-r: a uniformly random batch of q particles advanced by h.
    public func replacementPseudoStep(_ m: PairMoments, batchSize q: Int, timeStep h: Double) -> PairMoments {
        let n = Double(particles), qq = Double(q)
        let (inBatch, same) = batchMoments(m, batchSize: q, timeStep: h)
        let a = alpha(h), b = beta(h, batchSize: q)
        let pIn = qq / n
        let pBoth = qq * (qq - 1) / (n * (n - 1))
        let pOne = 2 * qq * (n - qq) / (n * (n - 1))
        let pNone = (n - qq) * (n - qq - 1) / (n * (n - 1))
        return PairMoments(u: pIn * inBatch + (1 - pIn) * m.u,
                           v: pBoth * same + pOne * (a + b * (qq - 1)) * m.v + pNone * m.v)
    }

    /// E f(X(T)) of full Euler–Maruyama at step τ (T/τ steps, rounded).
    public func eulerSecondMoment(time t: Double, timeStep tau: Double) -> Double {
        randomBatchSecondMoment(time: t, timeStep: tau, batchSize: particles)
    }

    /// E f(X(T)) of RBM-1 with Euler–Maruyama at step τ and batch size p (p | N).
    public func randomBatchSecondMoment(time t: Double, timeStep tau: Double, batchSize p: Int) -> Double {
        precondition(particles % p == 0, "RBM-1 moments need p | N")
        var m = initial
        for _ in 0..<Int((t / tau).rounded()) { m = randomBatchStep(m, batchSize: p, timeStep: tau) }
        return m.u
    }

    /// The expected time average (1/K)Σ_{k=1}^{K} f(X_{B+k}) of RBM-1 after B burn-in steps.
    public func randomBatchTimeAverage(burnInSteps b: Int, averagedSteps k: Int, timeStep tau: Double, batchSize p: Int) -> Double {
        precondition(particles % p == 0 && k >= 1, "RBM-1 time average: p | N and K ≥ 1")
        var m = initial
        for _ in 0..<b { m = randomBatchStep(m, batchSize: p, timeStep: tau) }
        var sum = 0.0
        for _ in 0..<k { m = randomBatchStep(m, batchSize: p, timeStep: tau); sum += m.u }
        return sum / Double(k)
    }

    /// E f(X(T)) of RBM-r (``RandomBatchReplacementIntegrator``: ⌈N/p⌉ pseudo-steps of
    /// h = τN/(⌈N/p⌉p) per step τ) with batch size p.
    public func replacementSecondMoment(time t: Double, timeStep tau: Double, batchSize p: Int) -> Double {
        let integrator = RandomBatchReplacementIntegrator(batchSize: p)
        let pseudo = integrator.pseudoSteps(particles: particles)
        let h = integrator.pseudoStepSize(timeStep: tau, particles: particles)
        var m = initial
        for _ in 0..<(Int((t / tau).rounded()) * pseudo) { m = replacementPseudoStep(m, batchSize: p, timeStep: h) }
        return m.u
    }

    /// The stationary E f of RBM-1 at step τ, batch size p (p | N): the fixed point of the
    /// affine step map, or nil when the map is not contracting (τ too large: the scheme diverges).
    public func randomBatchStationarySecondMoment(timeStep tau: Double, batchSize p: Int) -> Double? {
        precondition(particles % p == 0, "RBM-1 moments need p | N")
        // The map is affine: m' = A m + c. Read A and c off three evaluations.
        let zero = randomBatchStep(PairMoments(u: 0, v: 0), batchSize: p, timeStep: tau)
        let eu = randomBatchStep(PairMoments(u: 1, v: 0), batchSize: p, timeStep: tau)
        let ev = randomBatchStep(PairMoments(u: 0, v: 1), batchSize: p, timeStep: tau)
        let a11 = eu.u - zero.u, a21 = eu.v - zero.v, a12 = ev.u - zero.u, a22 = ev.v - zero.v
        // Contraction: both eigenvalues of A inside the unit disc.
        let trace = a11 + a22, det = a11 * a22 - a12 * a21
        let disc = trace * trace - 4 * det
        let spectralRadius = disc >= 0 ? max(abs((trace + disc.squareRoot()) / 2), abs((trace - disc.squareRoot()) / 2))
                                       : abs(det).squareRoot()
        guard spectralRadius < 1 else { return nil }
        // (I − A) m = c.
        let m11 = 1 - a11, m12 = -a12, m21 = -a21, m22 = 1 - a22
        let dd = m11 * m22 - m12 * m21
        return (zero.u * m22 - m12 * zero.v) / dd
    }

    /// E f under the invariant measure of the exact system:
    /// d·[σ²/(2a)/N + ((N−1)/N)·σ²/(2b)], b = a + κN/(N−1) (the t → ∞ limit of
    /// ``LinearMeanField/expectedSecondMoment(time:particles:dimension:)``).
    public var stationarySecondMoment: Double {
        let n = Double(particles), a = system.confinement, b = a + system.coupling * n / (n - 1)
        let q = system.noise * system.noise
        return Double(dimension) * (q / (2 * a) / n + (n - 1) / n * q / (2 * b))
    }

    /// The slowest relaxation rate of E f of the exact system, 2a (centre of mass), used to
    /// choose burn-in times: the transient decays as e^{−2at}.
    public var relaxationRate: Double { 2 * system.confinement }

    private func alpha(_ h: Double) -> Double { 1 - h * (system.confinement + system.coupling) }
    private func beta(_ h: Double, batchSize q: Int) -> Double { h * system.coupling / Double(q - 1) }

    /// u' for a particle in a batch of q, and v' for two particles in the same batch.
    private func batchMoments(_ m: PairMoments, batchSize q: Int, timeStep h: Double) -> (Double, Double) {
        let a = alpha(h), b = beta(h, batchSize: q), qq = Double(q), d = Double(dimension)
        let s2 = system.noise * system.noise * h
        let u = a * a * m.u + 2 * a * b * (qq - 1) * m.v + b * b * ((qq - 1) * m.u + (qq - 1) * (qq - 2) * m.v) + s2 * d
        let v = a * a * m.v + 2 * a * b * m.u + 2 * a * b * (qq - 2) * m.v + b * b * m.v + 2 * b * b * (qq - 2) * m.v
            + b * b * (qq - 2) * m.u + b * b * (qq - 2) * (qq - 3) * m.v
        return (u, v)
    }
}
