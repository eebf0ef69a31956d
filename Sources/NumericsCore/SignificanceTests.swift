import CNumerics
import Foundation

/// p-values from GSL's CDFs (gsl_cdf_*) for the bias tests of static estimator studies.
public enum SignificanceTests {
    /// Two-sided p-value of a Student-t statistic with ν degrees of freedom, 2·P[T > |t|]
    /// (normal when ν is infinite). NaN in, NaN out.
    public static func studentTTwoSidedPValue(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard t.isFinite else { return t.isNaN ? .nan : 0 }
        return nu.isFinite ? 2 * gsl_cdf_tdist_Q(abs(t), nu) : 2 * gsl_cdf_ugaussian_Q(abs(t))
    }

    /// Fisher's combination of independent p-values: X = −2 Σ log pᵢ ~ χ²(2k) under the joint null,
    /// p = P[χ²(2k) > X]. Valid (conservative) when the pᵢ are super-uniform, e.g. Bonferroni-adjusted.
    public static func fisherCombinedPValue(_ pValues: [Double]) -> Double {
        guard !pValues.isEmpty, pValues.allSatisfy({ $0 >= 0 && $0 <= 1 }) else { return .nan }
        if pValues.contains(0) { return 0 }
        let x = -2 * pValues.reduce(0) { $0 + log($1) }
        return gsl_cdf_chisq_Q(x, Double(2 * pValues.count))
    }

    /// Bonferroni adjustment of the smallest of k p-values: min(1, k·min pᵢ); valid under any dependence.
    public static func bonferroni(_ pValues: [Double]) -> Double {
        guard let smallest = pValues.min() else { return .nan }
        return min(1, Double(pValues.count) * smallest)
    }
}
