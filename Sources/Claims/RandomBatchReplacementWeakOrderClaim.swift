import Foundation
import NumericsCore
import ParticleSystems
import Studies

/// The weak error of RBM with replacement on the linear system is first order in τ. Its exact
/// expected value is known (``LinearMeanFieldMoments/replacementSecondMoment(time:timeStep:batchSize:)``):
/// the claim holds when the exact values' local order at the finest pair of steps is
/// `order` ± 0.1 (deterministic) and the Monte Carlo weak errors of the distributional study
/// match the exact values (Bonferroni z rule), so the order the recursion gives is the order of
/// the simulated scheme. The fitted order with its interval is in the evidence.
public struct RandomBatchReplacementWeakOrderClaim: Claim {
    public var id = "rbm-r-weak-order"
    public let order: Double
    public var statement: String { "the weak error of RBM-r on the linear system (f = (1/N)Σ‖Xᵢ‖², σ = 0.5) has order \(short(order)) ± 0.1 in τ" }
    public var reference = "RBM-r: Jin, Li, Liu, arXiv 1812.10575 (Algorithm 2); in-law convergence: Cai, Liu, Wang, arXiv 2407.19315"
    public var configuration = "linear, N = 16, d = 1, p = 2, T = 1, τ = 1/4, 1/8, 1/16, 1/32 (exact recursion), Monte Carlo at τ = 1/4, 1/8, 1/16 with 400 trajectories"
    public init(order: Double = 1) { self.order = order }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        var c = DistributionalConfiguration()
        c.particles = 16
        c.timeSteps = [0.25, 0.125, 0.0625]
        c.referenceRefinement = 2
        c.trajectories = 400
        c.groups = 8
        c.seed = seed
        c.threads = threads
        let report = try DistributionalStudy.run(c)
        let moments = LinearMeanFieldMoments(system: c.system.referenceProblem.linearMeanField(noise: c.noise)!, particles: 16, dimension: 1)
        let closedForm = moments.system.expectedSecondMoment(time: 1, particles: 16, dimension: 1)
        let fine = [0.0625, 0.03125].map { moments.replacementSecondMoment(time: 1, timeStep: $0, batchSize: 2) - closedForm }
        let exactFinestOrder = log(fine[0] / fine[1]) / log(2)
        let rows = report.weak.filter { $0.observable == .secondMoment }
        var evidence = ClaimEvidence(columns: ["τ", "weak error ± SE", "exact", "z"])
        for row in rows {
            evidence.rows.append([short(row.dt), "\(short(row.error.value)) ± \(short(row.error.standardError))",
                                  row.exactError.map(short) ?? "—", row.zScore.map(short) ?? "—"])
        }
        let fit = report.orders.first { $0.quantity == "weak error of second-moment" }?.fit
        evidence.rows.append(["exact local order 1/16 → 1/32", short(exactFinestOrder), "", ""])
        if let fit { evidence.rows.append(["fitted order [95% CI]", "\(short(fit.order)) [\(short(fit.ci95[0])), \(short(fit.ci95[1]))]", "", ""]) }
        let test = ExactValueZTest(count: rows.count, degreesOfFreedom: c.trajectories - 1)
        let matches = test.passes(rows.compactMap(\.zScore))
        let orderHolds = abs(exactFinestOrder - order) <= 0.1
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration,
                            verdict: matches && orderHolds ? .holds : .rejected,
                            rule: "the exact local order at τ = 1/16 → 1/32 within \(short(order)) ± 0.1, and \(test.rule)",
                            errorRate: ExactValueZTest.errorRate, expected: order,
                            measured: Estimate(value: exactFinestOrder, standardError: 0, count: 1), evidence: evidence, seed: seed,
                            seconds: elapsed(since: start))
    }
}
