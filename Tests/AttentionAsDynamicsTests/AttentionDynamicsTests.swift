import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import ParticleSystems
import Testing

/// Structure of self-attention dynamics on the sphere with Q = K = V = I.
@Suite("Attention dynamics")
struct AttentionDynamicsTests {
    static func drift(tokens n: Int, dimension d: Int, beta: Double, _ normalization: AttentionNormalization,
                      geometry: AttentionGeometry = .sphere) -> AttentionDrift {
        AttentionDrift(dynamics: AttentionDynamics(tokens: n, dimension: d, maps: .identity(d), beta: beta,
                                                   normalization: normalization, geometry: geometry),
                       estimator: ExactAttention())
    }

    static func sphereTokens(_ n: Int, _ d: Int, seed: UInt64 = 11) throws -> [Double] {
        try TokenSet.uniformSphere.tokens(count: n, dimension: d, stream: RandomStream(seed: seed, purpose: .initialCondition)).elements
    }

    static func evaluate(_ drift: AttentionDrift, at x: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { drift.evaluate(px, into: $0, workspace: EstimatorWorkspace(particles: drift.particles),
                                                                stream: RandomStream(seed: 0, purpose: .estimatorDraws)) }
        }
        return out
    }

    @Test("the energy E_β is nondecreasing along SA and USA on the sphere (V = I)",
          arguments: AttentionNormalization.allCases, [1.0, 4.0])
    func energyIsMonotone(normalization: AttentionNormalization, beta: Double) throws {
        let (n, d) = (16, 3)
        let reference = AdaptiveReferenceIntegrator(drift: Self.drift(tokens: n, dimension: d, beta: beta, normalization))
        var x = try Self.sphereTokens(n, d)
        var energies = [AttentionObservables.energy(x, tokens: n, dimension: d, beta: beta)]
        for k in 0..<40 {
            try reference.integrate(&x, from: Double(k) * 0.25, to: Double(k + 1) * 0.25)
            energies.append(AttentionObservables.energy(x, tokens: n, dimension: d, beta: beta))
        }
        let tolerance = 1e-10 * energies.last!
        for k in 1..<energies.count {
            #expect(energies[k] >= energies[k - 1] - tolerance, "step \(k): \(energies[k - 1]) → \(energies[k])")
        }
        #expect(energies.last! > energies.first! * (1 + 1e-3), "the energy should grow visibly, \(energies.first!) → \(energies.last!)")
    }

    @Test("the USA drift is N times the projected gradient of E_β")
    func meanFieldIsGradientAscent() throws {
        let (n, d, beta) = (9, 4, 2.0)
        let x = try Self.sphereTokens(n, d)
        let drift = Self.evaluate(Self.drift(tokens: n, dimension: d, beta: beta, .meanField), at: x)
        // Central differences of E_β in each coordinate, then the tangent projection at each token.
        let h = 1e-5
        var gradient = [Double](repeating: 0, count: n * d)
        for k in 0..<(n * d) {
            var plus = x, minus = x
            plus[k] += h
            minus[k] -= h
            gradient[k] = (AttentionObservables.energy(plus, tokens: n, dimension: d, beta: beta)
                           - AttentionObservables.energy(minus, tokens: n, dimension: d, beta: beta)) / (2 * h)
        }
        gradient.withUnsafeMutableBufferPointer { g in
            x.withUnsafeBufferPointer { Sphere.projectToTangent(g, at: $0, dimension: d) }
        }
        let worst = zip(drift, gradient).map { abs($0 - Double(n) * $1) }.max()!
        let scale = drift.map { abs($0) }.max()!
        #expect(worst < 1e-8 * scale, "max |USA − N∇E| = \(worst) at drift scale \(scale)")
    }

    @Test("an antipodal pair is stationary for every β", arguments: [0.5, 3.0, 20.0])
    func antipodalPairIsStationary(beta: Double) throws {
        let u: [Double] = [0.6, -0.48, 0.64]
        let x = u + u.map { -$0 }
        for normalization in AttentionNormalization.allCases {
            let drift = Self.drift(tokens: 2, dimension: 3, beta: beta, normalization)
            // Rounding relative to the attention output's scale (e^β/2 for USA, 1 for SA).
            let scale = normalization == .meanField ? exp(beta) : 1
            #expect(Self.evaluate(drift, at: x).allSatisfy { abs($0) < 1e-14 * scale }, "\(normalization) drift at an antipodal pair")
            // The equilibrium is unstable (rounding grows like e^{cβt}): integrate only at moderate β.
            guard beta <= 3 else { continue }
            var y = x
            RungeKutta4Integrator().integrate(&y, timeStep: 0.05, steps: 100, drift: drift, workspace: IntegratorWorkspace(particles: 2, dimension: 3),
                                              stream: RandomStream(seed: 0, purpose: .estimatorDraws))
            #expect(zip(x, y).allSatisfy { abs($0 - $1) < 1e-10 }, "\(normalization): \(y)")
        }
    }

    @Test("pairwise inner products follow the large-d curve γ(t) (N = 8, d = 4000, β = 1, t ≤ 3)",
          arguments: AttentionNormalization.allCases)
    func largeDimensionCurve(normalization: AttentionNormalization) throws {
        let (n, d, beta, dt) = (8, 4000, 1.0, 0.01)
        let drift = Self.drift(tokens: n, dimension: d, beta: beta, normalization)
        var x = try Self.sphereTokens(n, d, seed: 21)
        let times = (1...6).map { Double($0) * 0.5 }
        let gamma = try LargeDimensionCurve(tokens: n, beta: beta, normalization: normalization).values(at: times)
        let workspace = IntegratorWorkspace(particles: n, dimension: d), unused = RandomStream(seed: 0, purpose: .estimatorDraws)
        var worstPair = 0.0, worstMean = 0.0
        for g in gamma {
            RungeKutta4Integrator().integrate(&x, timeStep: dt, steps: 50, drift: drift, workspace: workspace, stream: unused)
            worstPair = max(worstPair, AttentionObservables.distanceToCurve(x, tokens: n, dimension: d, gamma: g))
            worstMean = max(worstMean, abs(AttentionObservables.pairwiseInnerProducts(x, tokens: n, dimension: d).mean - g))
        }
        #expect(gamma.last! > 0.1, "γ(3) = \(gamma.last!) should have moved away from 0")
        // Each pair deviates by O(d^{−1/2}) (sd 1/√d ≈ 0.016 already at t = 0; the max over 28 pairs
        // is ≈ 2.5/√d): allow 4/√d per pair, and 0.01 for the mean over pairs.
        #expect(worstPair < 4 / Double(d).squareRoot(), "max over pairs and t ≤ 3 of |⟨xᵢ,xⱼ⟩ − γ(t)| = \(worstPair)")
        #expect(worstMean < 0.01, "max over t ≤ 3 of |mean ⟨xᵢ,xⱼ⟩ − γ(t)| = \(worstMean)")
    }
}
