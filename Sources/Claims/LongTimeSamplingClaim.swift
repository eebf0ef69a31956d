import Foundation
import NumericsCore
import ParticleSystems
import Studies

/// RBM samples the invariant measure of the linear system with an error that vanishes with τ at
/// the rate of Ye–Zhou's bound or faster: the exact sampling error of E f (stationary RBM minus
/// the invariant measure's closed form, moment recursion) has local order ≥ 1/2 − 0.1 at the
/// finest steps for every p, and the simulated time averages match their exact expected values
/// (Bonferroni z rule), so the recursion describes the simulated scheme.
public struct LongTimeSamplingClaim: Claim {
    public var id = "rbm-long-time-sampling"
    public let order: Double
    public var statement: String { "the long-time sampling error of RBM on the linear system is O(τ^\(short(order))) or smaller, and time averages estimate the scheme's stationary E f" }
    public var reference = "Ye, Zhou, arXiv 2206.02166 (long-time error O(√τ + e^{−λt}))"
    public var configuration = "linear, N = 8, d = 1, σ = 0.5, p ∈ {2, 4}, τ ∈ {0.2, 0.1, 0.05}, burn-in 4, average over 8, 16 trajectories"
    public init(order: Double = 0.5) { self.order = order }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        var c = LongTimeConfiguration()
        c.particles = 8
        c.batchSizes = [2, 4]
        c.timeSteps = [0.2, 0.1, 0.05]
        c.burnIn = 4
        c.averagingTime = 8
        c.trajectories = 16
        c.seed = seed
        c.threads = threads
        let report = try LongTimeSamplingStudy.run(c)
        var evidence = ClaimEvidence(columns: ["p", "τ", "sampling error ± SE", "exact (t = ∞)", "z (time average vs exact expected)"])
        for row in report.rows {
            evidence.rows.append(["\(row.batchSize)", short(row.dt), "\(short(row.samplingError.value)) ± \(short(row.samplingError.standardError))",
                                  row.exactSamplingError.map(short) ?? "unstable", short(row.zScore)])
        }
        let finestOrders = report.orders.map { $0.exactLocalOrders.last.flatMap { $0 } ?? -.infinity }
        for (o, q) in zip(report.orders, finestOrders) { evidence.rows.append(["\(o.batchSize)", "exact local order (finest)", short(q), "", ""]) }
        let test = ExactValueZTest(count: report.rows.count, degreesOfFreedom: c.trajectories - 1)
        let boundHolds = finestOrders.allSatisfy { $0 >= order - 0.1 }
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration,
                            verdict: boundHolds && test.passes(report.rows.map(\.zScore)) ? .holds : .rejected,
                            rule: "every p's exact sampling error has local order ≥ \(short(order)) − 0.1 at the finest steps, and \(test.rule)",
                            errorRate: ExactValueZTest.errorRate, expected: order,
                            measured: Estimate(value: finestOrders.min() ?? .nan, standardError: 0, count: finestOrders.count),
                            evidence: evidence, seed: seed, seconds: elapsed(since: start))
    }
}
