import CNumerics

/// Weighted least-squares straight line y = c₀ + c₁·x (GSL `gsl_fit_wlinear`).
///
/// Minimises χ² = Σᵢ wᵢ (yᵢ − c₀ − c₁xᵢ)². With weights wᵢ = 1/σᵢ² the parameter covariance
/// is (XᵀWX)⁻¹ with X = [1, x]; GSL returns it *unscaled* by the residual variance, so it
/// is the sampling covariance only when the weights are the true inverse variances.
///
/// Complexity O(n). Reference: GSL manual, "Least-Squares Fitting", §Linear regression.
public struct WeightedLinearFit: Sendable, Codable, Equatable {
    /// c₀.
    public let intercept: Double
    /// c₁.
    public let slope: Double
    /// Var c₀, Cov(c₀, c₁), Var c₁: the entries of (XᵀWX)⁻¹.
    public let cov00: Double
    public let cov01: Double
    public let cov11: Double
    /// χ² = Σ wᵢ rᵢ².
    public let chiSquared: Double
    /// rᵢ = yᵢ − c₀ − c₁xᵢ, in input order.
    public let residuals: [Double]

    /// Fits y = c₀ + c₁·x with weights w (all finite, w ≥ 0, at least two with w > 0).
    ///
    /// - Throws: ``FitInputError`` for fewer than two usable points or non-finite data;
    ///   ``NumericalLibraryError`` when GSL fails or the fit is degenerate (all x equal).
    public init(x: [Double], y: [Double], weights: [Double]) throws {
        precondition(x.count == y.count && x.count == weights.count,
                     "WeightedLinearFit: x, y, weights have lengths \(x.count), \(y.count), \(weights.count)")
        let positive = weights.filter { $0 > 0 }.count
        guard positive >= 2 else {
            throw FitInputError("WeightedLinearFit needs at least 2 points with positive weight, got \(positive) of \(x.count)")
        }
        guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite), weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw FitInputError("WeightedLinearFit: x and y must be finite and weights finite and ≥ 0")
        }
        GSLRuntime.prepare()
        var c0 = 0.0, c1 = 0.0, v00 = 0.0, v01 = 0.0, v11 = 0.0, chisq = 0.0
        let status = gsl_fit_wlinear(x, 1, weights, 1, y, 1, x.count, &c0, &c1, &v00, &v01, &v11, &chisq)
        guard status == GSL_SUCCESS else { throw NumericalLibraryError(routine: "gsl_fit_wlinear", status: Int(status)) }
        guard [c0, c1, v00, v01, v11, chisq].allSatisfy(\.isFinite) else {
            // Equal abscissae make XᵀWX singular; GSL divides by zero instead of failing.
            throw NumericalLibraryError(routine: "gsl_fit_wlinear (singular: all weighted x equal)", status: Int(GSL_ESING))
        }
        intercept = c0
        slope = c1
        cov00 = v00
        cov01 = v01
        cov11 = v11
        chiSquared = chisq
        residuals = zip(x, y).map { $1 - c0 - c1 * $0 }
    }

    /// √cov00.
    public var interceptStandardError: Double { cov00.squareRoot() }
    /// √cov11.
    public var slopeStandardError: Double { cov11.squareRoot() }

    /// c₀ + c₁·x.
    public func predict(_ x: Double) -> Double { intercept + slope * x }
}
