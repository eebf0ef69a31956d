import Foundation

/// The linear (Ornstein–Uhlenbeck mean-field) system
///     dXᵢ = −a Xᵢ dt − (κ/(N−1)) Σ_{j≠i} (Xᵢ − Xⱼ) dt + σ dBᵢ,   Xᵢ(0) i.i.d. N(0, s²I).
///
/// Writing x̄ for the centre of mass and b = a + κN/(N−1), the centre obeys
/// dx̄ = −a x̄ dt + (σ/√N) dB̄ and each deviation Xᵢ − x̄ relaxes at rate b, so the
/// expected second moment of the empirical measure, f = (1/N) Σ‖Xᵢ‖², is exactly
///
///     E f(t) = d·[ (s²e^{−2at} + σ²(1−e^{−2at})/(2a))/N + ((N−1)/N)(s²e^{−2bt} + σ²(1−e^{−2bt})/(2b)) ].
public struct LinearMeanField: Sendable {
    public let confinement: Double
    public let coupling: Double
    public let noise: Double
    public let initialStandardDeviation: Double

    public init(confinement: Double, coupling: Double, noise: Double, initialStandardDeviation: Double) {
        self.confinement = confinement
        self.coupling = coupling
        self.noise = noise
        self.initialStandardDeviation = initialStandardDeviation
    }

    public func problem(particles n: Int, dimension d: Int) -> ParticleProblem {
        ParticleProblem(
            name: "linear", particles: n, dimension: d, potential: QuadraticPotential(strength: confinement),
            interaction: LinearKernel(coupling: coupling), noise: noise,
            initialCondition: .gaussian(standardDeviation: initialStandardDeviation),
            knownFacts: "Linear SDE: E[(1/N)Σ‖Xᵢ‖²](t) in closed form (centre of mass relaxes at rate a, deviations at a + κN/(N−1)).")
    }

    /// E[(1/N) Σᵢ ‖Xᵢ(t)‖²] exactly (see the type's documentation).
    public func expectedSecondMoment(time t: Double, particles n: Int, dimension d: Int) -> Double {
        let a = confinement, b = confinement + coupling * Double(n) / Double(n - 1)
        let s2 = initialStandardDeviation * initialStandardDeviation, q = noise * noise
        func relax(_ rate: Double) -> Double { s2 * exp(-2 * rate * t) + q * (1 - exp(-2 * rate * t)) / (2 * rate) }
        return Double(d) * (relax(a) / Double(n) + Double(n - 1) / Double(n) * relax(b))
    }
}
