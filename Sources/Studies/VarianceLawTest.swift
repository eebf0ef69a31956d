import Foundation
import NumericsCore

/// The verdict on a closed-form variance law at fixed configurations: is the measured
/// per-particle variance v̂ (SE s from the fourth moment, ``EstimatorDrawStatistics``) equal to
/// the closed form θ?
///
/// - θ > 0, on the log scale (v̂ is right-skewed like a χ² at small R, and its SE s grows with
///   it; log v̂ with SE s/v̂ is closer to normal, which the calibration study measured: the
///   linear-scale interval covered 93.5% and its test rejected 0.4% at level 0.1% with 200 draws):
///   z = log(v̂/θ)/(s/v̂). |z| > 3.29 (two-sided 0.1%) → inconsistent; otherwise, when the ratio's
///   95% interval (v̂/θ)·exp(±1.96 s/v̂) lies inside 1 ± ``tolerance`` → consistent (the law is
///   confirmed to that relative precision); otherwise inconclusive, with the draws that would
///   bring the half-width within the band, R·(1.96 s/(v̂·(δ − |v̂/θ − 1|)))².
/// - Heavy tails (kurtosis κ above the sweep's threshold): the SE of v̂ is itself unreliable
///   (relative SE of v̂ ≈ √((κ − 1)/R)), so a rejection is reported as inconclusive.
/// - θ = 0 (p = N, π = 1, c = N: the estimator is exact): consistent when v̂ is below the rounding
///   tolerance (64 ε · rms(target))², else inconsistent.
/// - No closed form: not assessed.
///
/// Error rate: a false "inconsistent" in at most 0.1% of rows when the SE is valid, which the
/// calibration study (`variance-sweep --calibrate R`) measures on exact laws.
public enum VarianceLawTest {
    public static let level = 0.001
    public static let criticalValue = 3.290526731491926
    /// Relative half-width of the ratio's 95% interval that confirms a law.
    public static let tolerance = 0.1
    public static let errorRate = "false 'inconsistent' ≤ 0.1% per row when the SE holds (measured by --calibrate)"

    /// The 95% interval of v̂/θ on the log scale: (v̂/θ)·exp(±1.96 s/v̂).
    public static func ratioInterval(_ variance: Estimate, theory: Double) -> [Double] {
        // A variance of exactly 0 (every draw equal) has no log-scale interval (0/0): use the
        // linear-scale one, clipped at 0, so the printed interval is a number, not NaN.
        guard variance.value != 0 else { return [0, 1.96 * variance.standardError / theory] }
        let r = variance.value / theory, w = 1.96 * variance.standardError / variance.value
        return [r * exp(-w), r * exp(w)]
    }

    public static func verdict(variance: Estimate, theory: Double?, kurtosis: Double, kurtosisThreshold: Double,
                               targetRMS: Double, draws: Int) -> VerdictRecord {
        guard let theory else {
            return VerdictRecord(verdict: .notAssessed, rule: "no closed-form variance for this estimator here", errorRate: "—",
                                 trajectoriesToDecide: nil)
        }
        let v = variance.value, s = variance.standardError
        guard v.isFinite, s.isFinite, theory.isFinite else {
            return VerdictRecord(verdict: .notAssessed, rule: "the variance or its closed form is not finite", errorRate: "—",
                                 trajectoriesToDecide: nil)
        }
        if theory == 0 {
            let rounding = (64 * Double.ulpOfOne * targetRMS) * (64 * Double.ulpOfOne * targetRMS)
            return v <= rounding
                ? VerdictRecord(verdict: .consistent, rule: "closed form 0 (exact estimator); variance \(format(v)) ≤ rounding tolerance (64ε·rms)² = \(format(rounding))",
                                errorRate: "exact", trajectoriesToDecide: nil)
                : VerdictRecord(verdict: .inconsistent, rule: "closed form 0 (exact estimator) but variance \(format(v)) > rounding tolerance \(format(rounding))",
                                errorRate: "exact", trajectoriesToDecide: nil)
        }
        guard v > 0 else {
            return VerdictRecord(verdict: .inconsistent, rule: "variance 0 where the closed form is \(format(theory)) > 0",
                                 errorRate: errorRate, trajectoriesToDecide: nil)
        }
        let z = log(v / theory) / (s / v)
        let ratio = ratioInterval(variance, theory: theory)
        let subject = "ratio \(format(v / theory)) \(interval(ratio)), z = \(format(z))"
        if abs(z) > criticalValue {
            if kurtosis > kurtosisThreshold {
                return VerdictRecord(verdict: .inconclusive,
                                     rule: "\(subject) beyond ±3.29, but kurtosis \(format(kurtosis)) > \(format(kurtosisThreshold)) makes the SE unreliable",
                                     errorRate: errorRate, trajectoriesToDecide: nil)
            }
            return VerdictRecord(verdict: .inconsistent, rule: "\(subject): |z| > 3.29", errorRate: errorRate, trajectoriesToDecide: nil)
        }
        if ratio[0] >= 1 - tolerance && ratio[1] <= 1 + tolerance {
            return VerdictRecord(verdict: .consistent, rule: "\(subject): |z| ≤ 3.29 and the 95% CI inside 1 ± \(format(tolerance))",
                                 errorRate: errorRate, trajectoriesToDecide: nil)
        }
        // The draws that would shrink the half-width to the room left between the estimate and
        // the nearer edge of the band (none when the estimate itself is outside it).
        let half = 1.96 * s / v
        let room = tolerance - abs(v / theory - 1)
        let factor = room > 0 ? (half / room) * (half / room) : .infinity
        return VerdictRecord(verdict: .inconclusive,
                             rule: "\(subject): |z| ≤ 3.29 but the 95% CI is wider than 1 ± \(format(tolerance))",
                             errorRate: errorRate,
                             trajectoriesToDecide: factor.isFinite && factor < 1e9 ? Int((Double(draws) * factor).rounded(.up)) : nil)
    }
}
