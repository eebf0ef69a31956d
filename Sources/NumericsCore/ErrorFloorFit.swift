/// The error floor of a biased approximation: mean squared errors S_k at time steps τ_k modelled as
///
///     E S_k = F² + A·τ_k,
///
/// a constant bias part F² (what remains as τ → 0) plus a fluctuation part that vanishes like τ
/// (the random-batch variance: RMS ∝ √τ). Fitted by ``MeanSquareShapeFit``: relative-weight least
/// squares with the sandwich covariance built from the cross-level covariance of the level means
/// over trajectories (levels share trajectories, so they are correlated), and Hotelling-F lack of
/// fit. (GLS with the estimated covariance as weights gave intervals for F² that covered 92.5%
/// over 40 seeds of the default attention study, its SE 0.87× the spread across seeds.)
/// F = √F² with the delta-method SE SE(F²)/(2F).
///
/// A floor is *detected* when both hold: F² > 4·SE(F²) (the project's 4-SE standard), and
/// F² ≥ ¼ of the mean square at the finest τ (the floor is at least half of the finest RMS
/// error, so the error has visibly levelled off). The second condition guards against an
/// intercept produced by curvature alone: with precise data an unbiased scheme whose error is
/// √(Aτ + Bτ²) yields a small but "significant" F² when fitted over coarse levels.
///
/// Cost O(M·K² + K³) for M trajectories and K levels.
public struct ErrorFloorFit: Codable, Sendable {
    /// F² with its SE (count = trajectories).
    public let squaredFloor: Estimate
    /// F = √max(F², 0) with its delta-method SE.
    public let floor: Estimate
    /// A, the coefficient of τ, and its SE.
    public let slope: Estimate
    /// χ² goodness-of-fit p-value of the two-parameter model (nil with K = 2 levels).
    public let lackOfFitP: Double?
    /// F² > 4·SE(F²) and F² ≥ ¼·(mean square at the finest τ).
    public let detected: Bool
    /// F² divided by the mean square at the finest τ (the share of the finest error that is floor).
    public let floorShareAtFinest: Double
    /// F² as a linear function of the level means, F² = Σ_k h_k·S̄_k (row 0 of
    /// ``MeanSquareShapeFit/influence``): one trajectory's contribution is Σ_k h_k·S_k, which gives
    /// joint covariances of floors fitted on the same trajectories. Not part of the JSON.
    public var floorInfluence: [Double] = []

    private enum CodingKeys: String, CodingKey { case squaredFloor, floor, slope, lackOfFitP, detected, floorShareAtFinest }

    /// - Parameters:
    ///   - timeSteps: τ_k (K ≥ 2 distinct values).
    ///   - samples: per trajectory, the K squared errors (M ≥ K + 1 trajectories).
    public init(timeSteps: [Double], samples: [[Double]]) throws {
        let k = timeSteps.count, m = samples.count
        guard k >= 2, m > k, samples.allSatisfy({ $0.count == k && $0.allSatisfy(\.isFinite) }) else {
            throw FitInputError("error floor needs K ≥ 2 levels and M > K finite trajectories (K = \(k), M = \(m))")
        }
        var design = Matrix(rows: k, columns: 2)
        for j in 0..<k { design[j, 0] = 1; design[j, 1] = timeSteps[j] }
        let fit = try MeanSquareShapeFit(design: design, samples: samples)
        let f2 = fit.coefficients[0].value, se2 = fit.coefficients[0].standardError
        squaredFloor = Estimate(value: f2, standardError: se2, count: m)
        let f = max(f2, 0).squareRoot()
        floor = Estimate(value: f, standardError: f > 0 ? se2 / (2 * f) : se2.squareRoot(), count: m)
        slope = fit.coefficients[1]
        lackOfFitP = fit.lackOfFitP
        let finest = timeSteps.indices.min { timeSteps[$0] < timeSteps[$1] }!
        floorShareAtFinest = f2 / fit.levelMeans[finest]
        floorInfluence = (0..<k).map { fit.influence[0, $0] }
        detected = f2 > 4 * se2 && floorShareAtFinest >= 0.25
    }
}
