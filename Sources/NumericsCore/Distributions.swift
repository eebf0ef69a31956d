import CNumerics

/// Quantiles and tail probabilities from GSL's CDF module (gsl_cdf_*).
public enum Distributions {
    /// Student-t quantile: P[T ≤ x] = p with ν degrees of freedom.
    public static func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        gsl_cdf_tdist_Pinv(p, nu)
    }
    /// Two-sided 95% critical value of Student's t.
    public static func studentT95(degreesOfFreedom nu: Double) -> Double {
        nu.isFinite ? gsl_cdf_tdist_Pinv(0.975, nu) : gsl_cdf_ugaussian_Pinv(0.975)
    }
    /// Standard normal quantile.
    public static func normalQuantile(_ p: Double) -> Double { gsl_cdf_ugaussian_Pinv(p) }
    /// Upper tail of the χ² distribution, P[X > x].
    public static func chiSquaredUpperTail(_ x: Double, degreesOfFreedom nu: Double) -> Double {
        gsl_cdf_chisq_Q(x, nu)
    }
    /// Two-sided p-value of a standard-normal statistic z.
    public static func normalTwoSidedPValue(_ z: Double) -> Double { 2 * gsl_cdf_ugaussian_Q(abs(z)) }
}
