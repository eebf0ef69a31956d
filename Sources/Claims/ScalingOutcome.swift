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
        return exponentOutcome(claim, exponent: fit.exponent, standardError: fit.standardError, ci95: fit.ci95, count: fit.count,
                               method: "log–log WLS of the batch error on \(variable) (Birge factor \(short(fit.birgeFactor)))",
                               claimed: exponent, tolerance: tolerance, atMost: atMost, evidence: evidence, samplesUnit: samplesUnit,
                               seed: seed, start: start)
    }

    /// The outcome of a fitted exponent with its 95% interval against `claimed` ± `tolerance`
    /// (or, with `atMost`, against the one-sided band (−∞, claimed + tolerance]), by
    /// ``OrderVerdictRule/test(centre:lower:upper:band:trajectories:subject:bandText:approaching:)``.
    static func exponentOutcome(_ claim: some Claim, exponent: Double, standardError: Double, ci95: [Double], count: Int, method: String,
                                claimed: Double, tolerance: Double, atMost: Bool, evidence: ClaimEvidence, samplesUnit: String,
                                seed: UInt64, start: Date) -> ClaimOutcome {
        let band = atMost ? (-Double.infinity, claimed + tolerance) : (claimed - tolerance, claimed + tolerance)
        let record = OrderVerdictRule.test(centre: exponent, lower: ci95[0], upper: ci95[1], band: band, trajectories: count,
                                           subject: "exponent \(short(exponent)), 95% CI \(bracket(ci95))",
                                           bandText: atMost ? "≤ \(short(claimed + tolerance))" : "\(short(claimed)) ± \(short(tolerance))",
                                           approaching: nil)
        return ClaimOutcome(id: claim.id, statement: claim.statement, reference: claim.reference, configuration: claim.configuration,
                            verdict: ClaimVerdict(record.verdict), rule: "\(method): \(record.rule)",
                            errorRate: "false 'holds' or 'rejected' ≤ 2.5% each when the interval covers (check --calibrate measures the rates)",
                            expected: claimed, measured: Estimate(value: exponent, standardError: standardError, count: count),
                            evidence: evidence, samplesNeeded: record.trajectoriesToDecide, samplesUnit: samplesUnit,
                            seed: seed, seconds: elapsed(since: start))
    }
}
