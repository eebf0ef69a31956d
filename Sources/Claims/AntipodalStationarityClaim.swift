import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import ParticleSystems

/// Two antipodal tokens x, −x are an equilibrium of self-attention dynamics on the sphere with
/// Q = K = V = I for every β and both normalisations: each token's attention output is a
/// combination of x and −x, whose projection on the tangent space at ±x vanishes (Geshkovski et
/// al., arXiv 2312.10794). Checked: the drift vanishes to 1e-14 relative to the output scale
/// (e^β/2 for USA, 1 for SA) at β ∈ {0.5, 3, 20}, and RK4 leaves the pair in place to 1e-10 over
/// t = 5 at β ≤ 3 (the equilibrium is unstable, so rounding grows like e^{cβt} at larger β).
public struct AntipodalStationarityClaim: Claim {
    public var id = "antipodal-pair-stationary"
    public var statement = "an antipodal pair of tokens is stationary for every β (SA and USA on the sphere)"
    public var reference = "Geshkovski, Letrouit, Polyanskiy, Rigollet, arXiv 2312.10794"
    public var configuration = "x = (0.6, −0.48, 0.64), −x; β ∈ {0.5, 3, 20}; RK4 with step 0.05 to t = 5 for β ≤ 3"
    public init() {}

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let u: [Double] = [0.6, -0.48, 0.64]
        let x = u + u.map { -$0 }
        var evidence = ClaimEvidence(columns: ["normalisation", "β", "max |drift| / scale", "max displacement at t = 5"])
        var passed = true
        let unused = RandomStream(seed: seed, purpose: .estimatorDraws)
        for normalization in AttentionNormalization.allCases {
            for beta in [0.5, 3.0, 20.0] {
                let drift = AttentionDrift(dynamics: AttentionDynamics(tokens: 2, dimension: 3, maps: .identity(3), beta: beta,
                                                                       normalization: normalization, geometry: .sphere),
                                           estimator: ExactAttention())
                var out = [Double](repeating: 0, count: 6)
                x.withUnsafeBufferPointer { px in
                    out.withUnsafeMutableBufferPointer { drift.evaluate(px, into: $0, workspace: EstimatorWorkspace(particles: 2), stream: unused) }
                }
                let scale = normalization == .meanField ? exp(beta) : 1
                let relative = (out.map { abs($0) }.max() ?? 0) / scale
                var displacement: Double?
                if beta <= 3 {
                    var y = x
                    RungeKutta4Integrator().integrate(&y, timeStep: 0.05, steps: 100, drift: drift,
                                                      workspace: IntegratorWorkspace(particles: 2, dimension: 3), stream: unused)
                    displacement = zip(x, y).map { abs($0 - $1) }.max()
                }
                passed = passed && relative < 1e-14 && (displacement ?? 0) < 1e-10
                evidence.rows.append([normalization.rawValue, short(beta), short(relative), displacement.map(short) ?? "— (unstable)"])
            }
        }
        return .structural(self, passed: passed, rule: "drift below 1e-14 × output scale, displacement below 1e-10",
                           tolerance: "1e-14 relative on the drift, 1e-10 on the trajectory", evidence: evidence, seed: seed, start: start)
    }
}
