import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import ParticleSystems

/// Along self-attention dynamics on the sphere with Q = K = V = I, the interaction energy
/// E_β(X) = (1/(2β)) Σᵢⱼ e^{β⟨xᵢ,xⱼ⟩} is nondecreasing for both SA (softmax) and USA
/// (mean-field) normalisations (Geshkovski, Letrouit, Polyanskiy, Rigollet, "A mathematical
/// perspective on Transformers", arXiv 2312.10794: USA is the gradient ascent of E_β, SA a
/// reweighted ascent). Checked with GSL's rk8pd at 40 checkpoints over t ≤ 10, N = 16, d = 3,
/// β ∈ {1, 4}, relative tolerance 1e-10, and the energy must grow visibly (by 0.1%).
public struct AttentionEnergyMonotonicityClaim: Claim {
    public var id = "attention-energy-monotone"
    public var statement = "the energy E_β is nondecreasing along SA and USA on the sphere (Q = K = V = I)"
    public var reference = "Geshkovski, Letrouit, Polyanskiy, Rigollet, A mathematical perspective on Transformers, arXiv 2312.10794"
    public var configuration = "N = 16 uniform tokens on S², β ∈ {1, 4}, t ∈ [0, 10] at 40 checkpoints (GSL rk8pd)"
    public init() {}

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let (n, d) = (16, 3)
        var evidence = ClaimEvidence(columns: ["normalisation", "β", "E_β(0)", "E_β(10)", "largest decrease"])
        var passed = true
        for normalization in AttentionNormalization.allCases {
            for beta in [1.0, 4.0] {
                let drift = AttentionDrift(dynamics: AttentionDynamics(tokens: n, dimension: d, maps: .identity(d), beta: beta,
                                                                       normalization: normalization, geometry: .sphere),
                                           estimator: ExactAttention())
                let reference = AdaptiveReferenceIntegrator(drift: drift)
                var x = try TokenSet.uniformSphere.tokens(count: n, dimension: d, stream: RandomStream(seed: seed, purpose: .initialCondition)).elements
                var energies = [AttentionObservables.energy(x, tokens: n, dimension: d, beta: beta)]
                for k in 0..<40 {
                    try reference.integrate(&x, from: Double(k) * 0.25, to: Double(k + 1) * 0.25)
                    energies.append(AttentionObservables.energy(x, tokens: n, dimension: d, beta: beta))
                }
                let worst = zip(energies, energies.dropFirst()).map { $0 - $1 }.max() ?? 0
                let ok = worst <= 1e-10 * energies.last! && energies.last! > energies.first! * (1 + 1e-3)
                passed = passed && ok
                evidence.rows.append([normalization.rawValue, short(beta), short(energies.first!), short(energies.last!), short(max(0, worst))])
            }
        }
        return .structural(self, passed: passed, rule: "no decrease larger than 1e-10·E_β between checkpoints, and growth by at least 0.1%",
                           tolerance: "1e-10 relative (the integrator's tolerance is 1e-12)", evidence: evidence, seed: seed, start: start)
    }
}
