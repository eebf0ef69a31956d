import Foundation
import NumericsCore
import Studies

extension ClaimOutcome {
    /// The outcome of an exponent claim over a sweep (in N, in T): the fit's equivalence verdict
    /// against `exponent` ± `tolerance`, or inconclusive when fewer than two points were usable.
    /// With `atMost`, the claim is one-sided (the exponent is at most `exponent` + `tolerance`:
    /// "does not grow"), decided by the same interval rule on the band (−∞, exponent + tolerance].
    static func scaling(_ claim: some Claim, x: [Double], errors: [Estimate], variable: String, exponent: Double, tolerance: Double,
                        atMost: Bool = false, evidence: ClaimEvidence, samplesUnit: String, seed: UInt64, start: Date) -> ClaimOutcome {
        guard let fit = PowerLawFit(x: x, errors: errors) else {
            return ClaimOutcome(id: claim.id, statement: claim.statement, reference: claim.reference, configuration: claim.configuration,
                                verdict: .inconclusive, rule: "fewer than two values of \(variable) gave a positive batch error with an SE",
                                errorRate: OrderVerdictRule.errorRate, expected: exponent, measured: nil, evidence: evidence, seed: seed,
                                seconds: elapsed(since: start))
        }
        let record = atMost
            ? OrderVerdictRule.test(centre: fit.exponent, lower: fit.ci95[0], upper: fit.ci95[1], band: (-Double.infinity, exponent + tolerance),
                                    trajectories: fit.count, subject: "exponent \(short(fit.exponent)), 95% CI \(bracket(fit.ci95))",
                                    bandText: "≤ \(short(exponent + tolerance))", approaching: nil)
            : fit.verdict(theory: exponent, tolerance: tolerance)
        return ClaimOutcome(id: claim.id, statement: claim.statement, reference: claim.reference, configuration: claim.configuration,
                            verdict: ClaimVerdict(record.verdict),
                            rule: "log–log WLS of the batch error on \(variable) (Birge factor \(short(fit.birgeFactor))): \(record.rule)",
                            errorRate: "false 'holds' or 'rejected' ≤ 2.5% each when the interval covers (check --calibrate measures the rates)",
                            expected: exponent, measured: Estimate(value: fit.exponent, standardError: fit.standardError, count: fit.count),
                            evidence: evidence, samplesNeeded: record.trajectoriesToDecide, samplesUnit: samplesUnit,
                            seed: seed, seconds: elapsed(since: start))
    }
}
