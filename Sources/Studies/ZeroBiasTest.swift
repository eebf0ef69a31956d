import Foundation
import NumericsCore

/// A zero-bias test for a vector estimator Ŷ ∈ ℝ^K at fixed inputs from R independent draws, with a
/// three-way outcome (``BiasVerdict``) whose "detected" has false-positive rate ≤ α = ``level``.
///
/// **Statistic.** T = R‖ȳ − y‖²/V, with ȳ the mean of the draws, y the target and V the trace of the
/// draw covariance: the closed form tr Σ = Σᵢ E‖Ŷᵢ − yᵢ‖² where the estimator has a variance law
/// (an unbiased estimator's mean squared error is its variance), else the sample trace Σₖ sₖ². Using
/// the closed form matters for skewed, discrete draws: a dominant term of probability q that was
/// never drawn moves ȳ by about one draw's worth of that term, giving T ≈ Rq (small), whereas the
/// sample variance, blind to the missing term, makes T huge. Several configurations are pooled:
/// T = R Σ_c ‖ȳ_c − y_c‖² / Σ_c V_c.
///
/// **Tail bound.** Under H₀ and the CLT, R‖ȳ − y‖² → Σₖ λₖ Zₖ² with Zₖ iid N(0, 1) and Σₖ λₖ = V
/// (the eigenvalues of Σ are unknown and coordinates are correlated by shared columns or batches).
/// For t ≥ 1.5365, P[Σ λₖ Zₖ² ≥ t·Σ λₖ] ≤ P[χ²₁ ≥ t] for every λ ≥ 0 (Székely & Bakirov, "Extremal
/// probabilities for Gaussian quadratic forms", Probab. Theory Relat. Fields 126 (2003) 184–202), so
/// p = P[χ²₁ ≥ T] = 2Φ(−√T) for T ≥ 1.5365 (p = 1 below) is a valid p-value whatever the covariance:
/// conservative when V is spread over many directions, exact for one. "detected" ⇔ p < α, i.e.
/// T > 10.83 at α = 10⁻³.
///
/// **Kurtosis gate.** The CLT is trusted only when κ/R ≤ ``maximumKurtosisPerDraw`` (0.05) in every
/// pooled configuration, κ = E‖Ŷ − μ‖⁴/(E‖Ŷ − μ‖²)² the plug-in multivariate kurtosis. For a draw
/// dominated by a term of probability q, κ ≈ 1/q, so the gate asks that the dominant term be
/// expected ≥ 20 times in R draws; the error of the two-sided normal tail is O(κ/R). A configuration
/// over the gate (or with non-finite κ) is left out of T; if the rest does not reject, the outcome is
/// "inconclusive", never "detected" from it.
///
/// **Rounding.** A configuration whose RMS bias ‖ȳ − y‖/√N is at most
/// c·ε·RMS(y)·√N (ε = 2.2·10⁻¹⁶, c = ``roundingFactor`` = 64, N the rows, taken as the number of terms
/// of each output sum) is zero: "consistent-with-unbiased" (p = N, π = 1, c = N give ~10⁻¹⁶ relative).
/// Above it, a zero variance is "detected" when the closed form says the estimator is deterministic,
/// and "inconclusive" when only the sample says so (a rare term may not have been drawn yet).
///
/// **Residual limitation.** Without a closed form, a term of probability q < 7/R that dominates the
/// variance and was never drawn (probability e^{−Rq}) is invisible to both the sample variance and the
/// kurtosis; no test from the draws alone can see it. Where a closed form exists this case is safe.
public enum ZeroBiasTest {
    /// α, the false-positive rate of "detected".
    public static let level = 1e-3
    /// The kurtosis gate: κ/R at most this.
    public static let maximumKurtosisPerDraw = 0.05
    /// c of the rounding tolerance c·ε·RMS(y)·√N.
    public static let roundingFactor = 64.0
    /// The CLT threshold of the Székely–Bakirov bound.
    public static let boundThreshold = 1.5365

    /// The rule in one line, for reports.
    public static let rule = "T = R‖ȳ−y‖²/V (V = closed-form tr Σ, else sample), p = P[χ²₁ ≥ T] (Székely–Bakirov bound, valid for any covariance); detected iff p < \(format(level)) (false-positive rate ≤ \(format(level))); inconclusive if κ/R > \(format(maximumKurtosisPerDraw)) or no variation without a closed form; |bias| ≤ \(Int(roundingFactor))·ε·RMS(y)·√N is zero"

    /// What one configuration contributes.
    public struct Evidence: Codable, Sendable {
        public var draws: Int
        /// ‖ȳ − y‖² summed over all K coordinates.
        public var deviationSquared: Double
        /// V: the trace of the draw covariance used in T.
        public var variance: Double
        /// Whether V is the closed form (else the sample trace).
        public var varianceFromTheory: Bool
        /// Plug-in kurtosis κ of the draws (NaN when they did not vary).
        public var kurtosis: Double
        /// The rounding tolerance on ‖ȳ − y‖² (N·(c·ε·RMS(y)·√N)²).
        public var roundingTolerance: Double

        public init(draws: Int, deviationSquared: Double, variance: Double, varianceFromTheory: Bool, kurtosis: Double,
                    roundingTolerance: Double) {
            self.draws = draws
            self.deviationSquared = deviationSquared
            self.variance = variance
            self.varianceFromTheory = varianceFromTheory
            self.kurtosis = kurtosis
            self.roundingTolerance = roundingTolerance
        }

        /// Rounding tolerance on ‖ȳ − y‖² for N rows of target RMS `targetRMS`.
        public static func roundingTolerance(rows: Int, targetRMS: Double) -> Double {
            let n = Double(rows), rms = roundingFactor * Double.ulpOfOne * targetRMS * n.squareRoot()
            return n * rms * rms
        }
    }

    public struct Outcome: Codable, Sendable {
        public var verdict: BiasVerdict
        /// The pooled T over the configurations that passed the gate (0 when none).
        public var statistic: Double
        /// p-value of the pooled T (1 when no configuration carries evidence, 0 for a deterministic
        /// closed form contradicted beyond rounding).
        public var pValue: Double
    }

    /// p = P[χ²₁ ≥ T] for T ≥ 1.5365, else 1.
    public static func pValue(statistic t: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? 1 : 0 }
        return t >= boundThreshold ? Distributions.normalTwoSidedPValue(t.squareRoot()) : 1
    }

    /// Pools the configurations' evidence into one outcome (see the type's documentation).
    public static func combine(_ parts: [Evidence]) -> Outcome {
        var numerator = 0.0, denominator = 0.0, unresolved = false, pooled = 0
        for e in parts {
            if !(e.deviationSquared > e.roundingTolerance) { continue }  // zero up to rounding (or NaN-free zero)
            if e.variance <= 0 {
                if e.varianceFromTheory { return Outcome(verdict: .detected, statistic: .infinity, pValue: 0) }
                unresolved = true
                continue
            }
            guard e.kurtosis.isFinite || e.varianceFromTheory, e.draws > 0,
                  !(e.kurtosis / Double(e.draws) > maximumKurtosisPerDraw) else {
                unresolved = true
                continue
            }
            numerator += Double(e.draws) * e.deviationSquared
            denominator += e.variance
            pooled += 1
        }
        let t = pooled > 0 ? numerator / denominator : 0
        let p = pooled > 0 ? pValue(statistic: t) : 1
        if p < level { return Outcome(verdict: .detected, statistic: t, pValue: p) }
        return Outcome(verdict: unresolved ? .inconclusive : .consistentWithUnbiased, statistic: t, pValue: p)
    }

    private static func format(_ x: Double) -> String { String(format: "%g", x) }
}
