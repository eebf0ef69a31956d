import Estimators
import Foundation
import NumericsCore
import ParticleSystems
import Studies

/// Bounded-confidence groups that cannot see each other reach consensus separately: for σ = 0,
/// K groups of opinions, each of diameter < r and the groups' hulls more than r apart, never
/// interact; each group contracts to its own mean, which is conserved (φ is symmetric). So the
/// cluster count at T is exactly K and the clusters sit at the groups' initial means. This holds
/// for the exact flow and, step by step, for Euler with the exact sum and with RBM whenever
/// τα ≤ 1: a step moves every particle to a convex combination of its neighbours' positions
/// (weights τα/(N−1) resp. τα/(p−1) for at most N−1 resp. p−1 neighbours), so no group's hull
/// grows, and within a batch every pair's contributions cancel in the group sum (Motsch & Tadmor,
/// SIAM Rev. 56 (2014), arXiv 1301.4123, for the exact dynamics).
///
/// Checked on `configurations` random instances: K = 3 groups of 8, 8 and 8 particles uniform
/// on intervals of length 0.8 starting at 0, 3 and 6 (gaps ≥ 2.2 > r = 1), α = 4, and each of
/// Euler (exact sum) and RBM (p = 2, 4) at τ = 1/16 (τα = 1/4) to T = 20: the count (gap threshold
/// r/2) must be 3 and every particle within 10⁻⁸ of its group's initial mean. Deterministic given
/// the seed; rounding is the only error, far below the tolerance (the contraction e^{−αn_g T/(N−1)}
/// ≈ 10⁻¹² for the exact sum).
public struct OpinionSeparatedGroupsClaim: Claim {
    public var id = "opinion-separated-groups"
    public var statement = "bounded-confidence groups more than r apart, each of diameter < r, end as exactly that many clusters at their initial means (exact and RBM, σ = 0, τα ≤ 1)"
    public var reference = "Hegselmann & Krause, JASSS 5(3) (2002); Motsch & Tadmor, SIAM Rev. 56 (2014), arXiv 1301.4123; RBM: Jin, Li, Liu, arXiv 1812.10575"
    public var configurations = 4
    public var configuration: String {
        "\(configurations) random instances of 3 groups × 8 opinions on [0, 0.8], [3, 3.8], [6, 6.8]; α = 4, σ = 0; Euler exact and RBM p ∈ {2, 4} at τ = 1/16 to T = 20"
    }
    public init() {}

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        try require(configurations >= 1 && configurations <= 10_000, "configurations", "must be in [1, 10000] (got \(configurations))")
        let groups = 3, perGroup = 8, n = groups * perGroup, tau = 1.0 / 16, steps = 320
        let problem = OpinionDynamics().problem(particles: n, noise: 0)
        let clusters = OpinionClusters()
        var evidence = ClaimEvidence(columns: ["instance", "scheme", "clusters at T", "largest distance to the group mean"])
        var passed = true
        let unused = RandomStream(seed: seed, purpose: .estimatorDraws)
        for k in 0..<configurations {
            let stream = RandomStream(seed: seed, trajectory: UInt64(k), purpose: .configuration)
            var initial = [Double](repeating: 0, count: n)
            for i in 0..<n { initial[i] = 3 * Double(i / perGroup) + 0.8 * stream.uniform() }
            let means = (0..<groups).map { g in initial[(g * perGroup)..<((g + 1) * perGroup)].reduce(0, +) / Double(perGroup) }
            let schemes: [(String, any InteractionSumEstimator)] = [("Euler, exact sum", ExactInteractionSum()),
                                                                    ("RBM p = 2", RandomBatchInteractionSum(batchSize: 2)),
                                                                    ("RBM p = 4", RandomBatchInteractionSum(batchSize: 4))]
            for (b, (name, estimator)) in schemes.enumerated() {
                var x = initial
                let batches = RandomStream(seed: seed, trajectory: UInt64(k), purpose: .batchPartition, index: UInt32(b))
                let outcome = EulerMaruyamaIntegrator().integrate(&x, timeStep: tau, steps: steps,
                                                                  drift: ParticleDrift(problem: problem, estimator: estimator),
                                                                  workspace: IntegratorWorkspace(particles: n, dimension: 1),
                                                                  stream: b == 0 ? unused : batches)
                if outcome.nonFiniteStep != nil { throw NumericalFailure("opinion-separated-groups: \(name) became non-finite; no verdict") }
                let count = clusters.count(x)
                let distance = (0..<n).map { abs(x[$0] - means[$0 / perGroup]) }.max() ?? .nan
                passed = passed && count == groups && distance <= 1e-8
                evidence.rows.append([String(k), name, String(count), short(distance)])
            }
        }
        return .structural(self, passed: passed, rule: "3 clusters and every opinion within 1e-8 of its group's initial mean, for every instance and scheme",
                           tolerance: "1e-8 on positions (rounding and the remaining contraction are below 1e-11)", evidence: evidence,
                           seed: seed, start: start)
    }
}
