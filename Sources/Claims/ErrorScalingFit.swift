import Foundation
import NumericsCore
import Studies

/// The exponent b of e(x) ≈ a·x^b from independent estimates e₁…e_k at x₁…x_k: weighted least
/// squares of log e on log x with weights (e/SE)² (delta method, var log e ≈ (SE/e)²),
///
///     b̂ = Σ wᵢ(uᵢ − ū)(yᵢ − ȳ) / Σ wᵢ(uᵢ − ū)²,  SE(b̂)² = s² / Σ wᵢ(uᵢ − ū)²,
///
/// u = log x, y = log e, with s² = max(1, χ²/(k − 2)) the Birge factor when the points scatter
/// more than their SEs allow (k > 2). The 95% interval uses the Student t of the smallest
/// sample count minus one. Cost O(k).
struct ErrorScalingFit {
    var exponent: Double
    var standardError: Double
    var ci95: [Double]
    var birgeFactor: Double
    var count: Int

    init?(x: [Double], errors: [Estimate]) {
        let usable = zip(x, errors).filter { $0.0 > 0 && $0.1.value > 0 && $0.1.standardError > 0 && $0.1.standardError.isFinite }
        guard usable.count >= 2 else { return nil }
        let u = usable.map { log($0.0) }, y = usable.map { log($0.1.value) }
        let w = usable.map { ($0.1.value / $0.1.standardError) * ($0.1.value / $0.1.standardError) }
        let sw = w.reduce(0, +)
        let uBar = zip(w, u).reduce(0) { $0 + $1.0 * $1.1 } / sw, yBar = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sw
        var sxx = 0.0, sxy = 0.0
        for i in u.indices { sxx += w[i] * (u[i] - uBar) * (u[i] - uBar); sxy += w[i] * (u[i] - uBar) * (y[i] - yBar) }
        guard sxx > 0 else { return nil }
        let b = sxy / sxx, a = yBar - b * uBar
        var chi2 = 0.0
        for i in u.indices { let r = y[i] - a - b * u[i]; chi2 += w[i] * r * r }
        let birge = usable.count > 2 ? max(1, chi2 / Double(usable.count - 2)) : 1
        let se = (birge / sxx).squareRoot()
        let m = usable.map { $0.1.count }.min() ?? 2
        let t = Distributions.studentT95(degreesOfFreedom: Double(max(1, m - 1)))
        exponent = b
        standardError = se
        ci95 = [b - t * se, b + t * se]
        birgeFactor = birge
        count = m
    }

    /// The equivalence verdict against `theory` ± `tolerance` (``OrderVerdictRule``).
    func verdict(theory: Double, tolerance: Double) -> VerdictRecord {
        OrderVerdictRule.test(centre: exponent, lower: ci95[0], upper: ci95[1], band: (theory - tolerance, theory + tolerance),
                              trajectories: count, subject: "exponent \(short(exponent)), 95% CI \(bracket(ci95))",
                              bandText: "\(short(theory)) ± \(short(tolerance))", approaching: nil)
    }
}

/// A seed for run `index` of a sweep, independent of the others (SplitMix64 of seed and index).
func sweepSeed(_ seed: UInt64, _ index: UInt64) -> UInt64 {
    var z = seed &+ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

extension ClaimOutcome {
    /// The outcome of an exponent claim over a sweep (in N, in T): the fit's equivalence verdict
    /// against `exponent` ± `tolerance`, or inconclusive when fewer than two points were usable.
    static func scaling(_ claim: some Claim, x: [Double], errors: [Estimate], variable: String, exponent: Double, tolerance: Double,
                        evidence: ClaimEvidence, samplesUnit: String, seed: UInt64, start: Date) -> ClaimOutcome {
        guard let fit = ErrorScalingFit(x: x, errors: errors) else {
            return ClaimOutcome(id: claim.id, statement: claim.statement, reference: claim.reference, configuration: claim.configuration,
                                verdict: .inconclusive, rule: "fewer than two values of \(variable) gave a positive batch error with an SE",
                                errorRate: OrderVerdictRule.errorRate, expected: exponent, measured: nil, evidence: evidence, seed: seed,
                                seconds: elapsed(since: start))
        }
        let record = fit.verdict(theory: exponent, tolerance: tolerance)
        return ClaimOutcome(id: claim.id, statement: claim.statement, reference: claim.reference, configuration: claim.configuration,
                            verdict: ClaimVerdict(record.verdict),
                            rule: "log–log WLS of the batch error on \(variable) (Birge factor \(short(fit.birgeFactor))): \(record.rule)",
                            errorRate: "false 'holds' or 'rejected' ≤ 2.5% each when the interval covers (check --calibrate measures the rates)",
                            expected: exponent, measured: Estimate(value: fit.exponent, standardError: fit.standardError, count: fit.count),
                            evidence: evidence, samplesNeeded: record.trajectoriesToDecide, samplesUnit: samplesUnit,
                            seed: seed, seconds: elapsed(since: start))
    }
}
