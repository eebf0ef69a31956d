import Foundation
import NumericsCore
import Studies

/// "The exact Dyson system's W₁ distance to the semicircle law falls like N^e": the exact system
/// (implicit split step, ``DysonSemicircleScaling``) from the semicircle quantiles to T at several
/// N, the mean W₁ between its empirical measure and the semicircle of radius R(T), and the exponent
/// of W₁ ∝ N^e by weighted least squares of log W₁ on log N; the rule of `OrderVerdictRule` decides
/// against e ± δ. Rigidity of eigenvalues (Erdős–Yau–Yin, arXiv 1007.4652) gives
/// W₁ = O((log N)^L/N): the exponent is −1 up to logarithms, which raise the exponent fitted over
/// small N by ≈ 1/ln N; the default band −1 ± 0.25 allows for that on N = 8 … 64.
///
/// Error rate: ≤ 2.5% false "holds" or "rejected" when the interval covers (the rule's); the
/// measured false-rejection rate on the defaults is in the check calibration.
public struct DysonSemicircleClaim: Claim {
    public var id: String
    public var statement: String
    public var reference: String
    public var particleCounts: [Int]
    public var horizon: Double
    public var timeStep: Double
    public var trajectories: Int
    public var exponent: Double
    public var tolerance: Double

    public init(id: String = "dyson-semicircle-w1", exponent: Double = -1, tolerance: Double = 0.25,
                particleCounts: [Int] = [8, 16, 32, 64], horizon: Double = 0.5, timeStep: Double = 1.0 / 64, trajectories: Int = 40) {
        self.id = id
        self.statement = "the exact Dyson system's W₁ distance to the semicircle law falls like N^(\(short(exponent)) ± \(short(tolerance))) (−1 up to logarithms)"
        self.reference = "Erdős, Yau, Yin, Adv. Math. 229 (2012), arXiv 1007.4652 (rigidity of eigenvalues); semicircle law of Dyson Brownian motion's mean-field limit"
        self.particleCounts = particleCounts
        self.horizon = horizon
        self.timeStep = timeStep
        self.trajectories = trajectories
        self.exponent = exponent
        self.tolerance = tolerance
    }

    public var configuration: String {
        "dyson, exact system (implicit split step), N = \(particleCounts.map(String.init).joined(separator: ", ")), T = \(short(horizon)), τ = \(short(timeStep)), \(trajectories) trajectories per N, X(0) semicircle quantiles of radius 1"
    }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let scaling = try DysonSemicircleScaling.run(particleCounts: particleCounts, horizon: horizon, timeStep: timeStep,
                                                     trajectories: trajectories, seed: seed, threads: threads)
        var evidence = ClaimEvidence(columns: ["N", "W₁ ± SE", "Kolmogorov ± SE"])
        for p in scaling.points { evidence.rows.append(["\(p.particles)", pm(p.wasserstein1), pm(p.kolmogorov)]) }
        guard let fit = scaling.exponent else {
            return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration, verdict: .inconclusive,
                                rule: "no exponent could be fitted (fewer than two N with a positive W₁ and SE)",
                                errorRate: OrderVerdictRule.errorRate, expected: exponent, measured: nil, evidence: evidence,
                                seed: seed, seconds: elapsed(since: start))
        }
        let record = fit.verdict(theory: exponent, tolerance: tolerance)
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration,
                            verdict: ClaimVerdict(record.verdict),
                            rule: "measured exponent \(short(fit.exponent)), 95% CI \(bracket(fit.ci95)); \(record.rule)",
                            errorRate: record.errorRate, expected: exponent,
                            measured: Estimate(value: fit.exponent, standardError: fit.standardError, count: fit.count),
                            evidence: evidence, samplesNeeded: record.trajectoriesToDecide, samplesUnit: "trajectories per N",
                            seed: seed, seconds: elapsed(since: start))
    }
}
