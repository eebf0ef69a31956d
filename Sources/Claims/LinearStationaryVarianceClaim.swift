import Foundation
import NumericsCore
import ParticleSystems
import Studies

/// The invariant measure of the linear system dXᵢ = −aXᵢdt − (κ/(N−1))Σ_{j≠i}(Xᵢ − Xⱼ)dt + σdBᵢ
/// is Gaussian with E(1/N)Σ‖Xᵢ‖² = m∞ = d[σ²/(2a)/N + ((N−1)/N)σ²/(2b)], b = a + κN/(N−1)
/// (``LinearMeanFieldMoments/stationarySecondMoment``). Checked by time averages of full
/// Euler–Maruyama (p = N) at τ = 0.01 after a burn-in, against m∞ plus the scheme's exact O(τ)
/// bias and transient (the moment recursion), with the Bonferroni z rule.
public struct LinearStationaryVarianceClaim: Claim {
    public var id = "linear-stationary-variance"
    public var statement = "the linear system's invariant measure has E(1/N)Σ‖Xᵢ‖² = d[σ²/(2a)/N + ((N−1)/N)σ²/(2b)], b = a + κN/(N−1)"
    public var reference = "Ornstein–Uhlenbeck process (Gardiner, Stochastic Methods, 4th ed., §3.8.4), applied to the centre of mass and the deviations"
    public var configuration = "N = 8, d = 1, σ = 0.5, full Euler–Maruyama at τ = 0.02 and 0.01, burn-in 4, average over 40, 24 trajectories"
    public init() {}

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        var c = LongTimeConfiguration()
        c.particles = 8
        c.batchSizes = [8]
        c.timeSteps = [0.02, 0.01]
        c.burnIn = 4
        c.averagingTime = 40
        c.trajectories = 24
        c.seed = seed
        c.threads = threads
        let report = try LongTimeSamplingStudy.run(c)
        var evidence = ClaimEvidence(columns: ["τ", "time average ± SE", "m∞ (closed form)", "exact expected (m∞ + scheme bias)", "z"])
        for row in report.rows {
            evidence.rows.append([short(row.dt), "\(short(row.timeAverage.value)) ± \(short(row.timeAverage.standardError))",
                                  short(report.invariantSecondMoment), short(row.expectedTimeAverage), short(row.zScore)])
        }
        let test = ExactValueZTest(count: report.rows.count, degreesOfFreedom: c.trajectories - 1)
        let finest = report.rows.min { $0.dt < $1.dt }!
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration,
                            verdict: test.passes(report.rows.map(\.zScore)) ? .holds : .rejected, rule: test.rule,
                            errorRate: ExactValueZTest.errorRate, expected: report.invariantSecondMoment,
                            measured: finest.timeAverage, evidence: evidence, seed: seed, seconds: elapsed(since: start))
    }
}
