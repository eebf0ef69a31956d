import Foundation
import NumericsCore
import Studies

/// "The error floor of a biased estimator falls like p^q": the batch error of softmax Random
/// Batch Attention levels off at a floor F(p) as τ → 0 (the partition-averaged dynamics differs
/// from exact attention: the self-weight is inflated by ≈ 1/p), and log F is fitted on log p
/// with the joint covariance of the floors. The rule of `OrderVerdictRule` decides
/// against q ± δ. The ≈ 1/p law holds only when attention is diffuse (small β, spread tokens);
/// on concentrated attention the floor falls like p^−0.5 or slower and the verdict says so.
///
/// Error rate: ≤ 2.5% false "holds" or "rejected" when the interval covers; measured floor
/// coverage 95.0% and floor-scaling coverage 100% over 40 seeds.
public struct FloorScalingClaim: Claim {
    public var id: String
    public var statement: String
    public var reference: String
    public var subject: ConvergenceSubject
    public var exponent: Double
    public var tolerance: Double

    public init(id: String = "rba-softmax-floor-scaling", statement: String? = nil,
                reference: String = "Random Batch Attention, arXiv 2511.06044 (self-weight inflation ≈ 1/p of the in-batch softmax)",
                subject: ConvergenceSubject, exponent: Double = -1, tolerance: Double = 0.1) {
        self.id = id
        self.statement = statement ?? "the batch-error floor of softmax RBA falls like p^(\(short(exponent)) ± \(short(tolerance))) on diffuse attention"
        self.reference = reference
        self.subject = subject
        self.exponent = exponent
        self.tolerance = tolerance
    }

    public var configuration: String { subject.description }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let report = try subject.with(seed: seed, threads: threads).run()
        var evidence = ClaimEvidence(columns: ["p", "floor F ± SE", "detected"])
        for floor in report.floors { evidence.rows.append(["\(floor.batchSize)", pm(floor.floor), floor.detected ? "yes" : "no"]) }
        guard let scaling = report.floorScaling else {
            return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration, verdict: .inconclusive,
                                rule: "fewer than two batch sizes show a floor, so no exponent was fitted (finer τ or more trajectories would resolve the floors)",
                                errorRate: OrderVerdictRule.errorRate, expected: exponent, measured: nil, evidence: evidence,
                                seed: seed, seconds: elapsed(since: start))
        }
        let record = scaling.verdict(theory: exponent, tolerance: tolerance)
        let locals = scaling.localExponents.map(short).joined(separator: ", ")
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration,
                            verdict: ClaimVerdict(record.verdict),
                            rule: "measured exponent \(short(scaling.exponent)), 95% CI \(bracket(scaling.ci95)), local exponents \(locals); \(record.rule)",
                            errorRate: record.errorRate, expected: exponent,
                            measured: Estimate(value: scaling.exponent, standardError: scaling.standardError, count: scaling.trajectories),
                            evidence: evidence, samplesNeeded: record.trajectoriesToDecide, samplesUnit: "trajectories",
                            seed: seed, seconds: elapsed(since: start))
    }
}
