import Foundation

/// The asymptotic order q of an RMS error with its leading correction term modelled:
///
///     e(τ) = C·τ^q·(1 + b·τ + O(τ²))   ⇒   log e_k ≈ log C + q·log τ_k + b·τ_k,
///
/// fitted by generalised least squares with the cross-level covariance of log ê_k estimated from
/// the trajectories (Cov(log ê_k, log ê_l) = ¼·Ĉov(S_·k, S_·l)/(M·S̄_k·S̄_l), as in ``OrderFit``).
///
/// Why: an RMS error whose square expands as A·τ^{2q} + B·τ^{2q+1} has a log-log slope of
/// q + O(τ) on any finite grid, so a plain power-law fit on precise data can exclude the true
/// asymptotic order while showing no lack of fit. Modelling the first correction trades a wider
/// interval for removing that bias. Needs K ≥ 4 levels and M > K trajectories.
/// Cost O(M·K² + K³).
public struct CorrectedOrderFit: Codable, Sendable, Equatable {
    public var order: Double
    /// [lo, hi], q ± t_{0.975, M−1}·SE.
    public var ci95: [Double]
    public var standardError: Double
    /// b, the relative first-order correction, and its standard error.
    public var correction: Double
    public var correctionStandardError: Double

    /// - Parameter samples: samples[m][k], per-trajectory mean squared errors.
    public init(timeSteps: [Double], samples: [[Double]]) throws {
        let data = try OrderFit.LevelData(OrderFitInput(timeSteps: timeSteps, samples: samples, measure: .rootMeanSquare))
        let k = data.levels, m = data.trajectories, means = data.means
        guard k >= 4, m > k else { throw FitInputError("corrected order needs K ≥ 4 levels and M > K trajectories (K = \(k), M = \(m))") }
        guard means.allSatisfy({ $0 > 0 }) else { throw FitInputError("corrected order: a level has zero error") }
        var covariance = Matrix(rows: k, columns: k)
        for a in 0..<k {
            for b in 0..<k { covariance[a, b] = 0.25 * data.sampleCovariance[a, b] / (Double(m) * means[a] * means[b]) }
        }
        var design = Matrix(rows: k, columns: 3)
        for l in 0..<k {
            design[l, 0] = 1
            design[l, 1] = log(timeSteps[l])
            design[l, 2] = timeSteps[l]
        }
        let gls = try GeneralizedLeastSquares(design: design, observations: means.map { 0.5 * log($0) }, covariance: covariance)
        let t = Distributions.studentT95(degreesOfFreedom: Double(m - 1))
        order = gls.coefficients[1]
        standardError = gls.standardErrors[1]
        ci95 = [order - t * standardError, order + t * standardError]
        correction = gls.coefficients[2]
        correctionStandardError = gls.standardErrors[2]
    }
}
