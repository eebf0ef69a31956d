import Estimators
import Foundation
import NumericsCore

/// One (estimator, size) point of a work–precision study (JSON contract: `estimator`, `size`,
/// `error`, `cost`, `seconds`, `pareto`; more fields welcome).
public struct WorkPrecisionRow: Codable, Sendable {
    public var estimator: String
    /// The size parameter (p, m, c, F, …); for the exact reference, N.
    public var size: Double
    public var sizeName: String
    /// Random method (two draws from different streams differed); deterministic ones use one draw.
    public var random: Bool
    /// "attention" (softmax or mean-field, as configured) or "gaussian-kernel" etc. when the
    /// estimator approximates its own kernel (``AttentionEstimator/exactTarget(_:)``).
    public var target: String
    /// ‖Ô − O‖_F/‖O‖_F, mean ± SE over draws (count 1 and SE 0 for deterministic methods).
    public var error: Estimate
    /// 95% interval of the mean relative Frobenius error: mean ± t·SE with draws − 1 degrees of
    /// freedom ([e, e] for a deterministic method).
    public var errorCI95: [Double]
    /// False when the draws are too few or too heavy-tailed for the SE to mean much: relative SE
    /// above ``WorkPrecisionRow/maximumRelativeStandardError`` (the calibration study measured such
    /// intervals covering 62% instead of 95%, e.g. trigonometric Performer features at small m).
    public var errorReliable: Bool
    /// ‖Ô − O‖₂/‖O‖₂ (spectral norms by LAPACK's SVD), mean ± SE over draws.
    public var spectralError: Estimate
    /// Counted cost: expected pair interactions (score evaluations) per token and call.
    public var cost: Double
    /// Counted cost in flops per call (``FlopCounting``, or 2(d_k + d_v) per pair interaction).
    public var flops: Double
    /// Measured cost: median single-threaded wall time of one call over the repeats.
    public var seconds: Double
    /// On the Pareto front of (flops, error) among rows with the same target.
    public var pareto: Bool
    /// On the Pareto front of (seconds, error) among rows with the same target.
    public var paretoSeconds: Bool
    /// The (flops, error) front with the errors' noise taken into account (``ParetoStatus``).
    public var front: ParetoStatus

    public static let maximumRelativeStandardError = 0.25

    private enum CodingKeys: String, CodingKey {
        case estimator, size, sizeName, random, target, error, errorCI95, errorReliable, spectralError, cost, flops, seconds, pareto, paretoSeconds,
             front
    }

    /// Non-finite numbers (e.g. a vanishing Performer normaliser) are encoded as JSON null.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(estimator, forKey: .estimator)
        try c.encode(size, forKey: .size)
        try c.encode(sizeName, forKey: .sizeName)
        try c.encode(random, forKey: .random)
        try c.encode(target, forKey: .target)
        try c.encode(NullableEstimate(error), forKey: .error)
        try c.encode(errorCI95.map { jsonNumber($0) }, forKey: .errorCI95)
        try c.encode(errorReliable, forKey: .errorReliable)
        try c.encode(NullableEstimate(spectralError), forKey: .spectralError)
        try c.encode(jsonNumber(cost), forKey: .cost)
        try c.encode(jsonNumber(flops), forKey: .flops)
        try c.encode(jsonNumber(seconds), forKey: .seconds)
        try c.encode(pareto, forKey: .pareto)
        try c.encode(paretoSeconds, forKey: .paretoSeconds)
        try c.encode(front, forKey: .front)
    }
}

/// One (estimator, size) point of the trajectory part: Euler steps of the attention dynamics
/// driven by the estimator, against the same steps with exact attention.
public struct WorkPrecisionTrajectoryRow: Codable, Sendable {
    public var estimator: String
    public var size: Double
    public var dt: Double
    public var steps: Int
    public var trajectories: Int
    /// RMS over tokens of x̂ᵢ(T) − xᵢ(T), mean ± SE over trajectories.
    public var error: Estimate
    /// 95% interval of the mean error: mean ± t·SE with trajectories − 1 degrees of freedom.
    public var errorCI95: [Double]
    /// Expected pair interactions per token over the whole trajectory.
    public var cost: Double
    /// Median wall time of one trajectory (seconds, single-threaded BLAS).
    public var seconds: Double
    /// On the Pareto front of (cost, error) among the trajectory rows.
    public var pareto: Bool

    private enum CodingKeys: String, CodingKey { case estimator, size, dt, steps, trajectories, error, errorCI95, cost, seconds, pareto }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(estimator, forKey: .estimator)
        try c.encode(size, forKey: .size)
        try c.encode(dt, forKey: .dt)
        try c.encode(steps, forKey: .steps)
        try c.encode(trajectories, forKey: .trajectories)
        try c.encode(NullableEstimate(error), forKey: .error)
        try c.encode(errorCI95.map { jsonNumber($0) }, forKey: .errorCI95)
        try c.encode(jsonNumber(cost), forKey: .cost)
        try c.encode(jsonNumber(seconds), forKey: .seconds)
        try c.encode(pareto, forKey: .pareto)
    }
}

/// {value, standardError, count} with non-finite numbers as null.
struct NullableEstimate: Encodable {
    let estimate: Estimate
    init(_ estimate: Estimate) { self.estimate = estimate }
    private enum CodingKeys: String, CodingKey { case value, standardError, count }
    func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(jsonNumber(estimate.value), forKey: .value)
        try c.encode(jsonNumber(estimate.standardError), forKey: .standardError)
        try c.encode(estimate.count, forKey: .count)
    }
}

/// The complete, Codable result of a work–precision study (schema "rbm-study/work-precision/1").
public struct WorkPrecisionReport: Codable, Sendable {
    public var schema = "rbm-study/work-precision/1"
    public var manifest: RunManifest
    public var configuration: WorkPrecisionConfiguration
    public var tokens: Int
    public var dimension: Int
    public var keyDimension: Int
    public var valueDimension: Int
    /// The exact reference's own error (largest relative row error against a compensated evaluation).
    public var referenceError: Double
    public var rows: [WorkPrecisionRow]
    public var trajectoryRows: [WorkPrecisionTrajectoryRow]
    /// The five-second answer: the front per target and how many points the noise leaves undecided.
    public var summary: [String]
    public var warnings: [String]

    /// Marks the Pareto fronts: a point is dominated when another point with the same target is
    /// no worse in both cost and error and strictly better in one. Non-finite errors never win.
    public static func paretoFlags(cost: [Double], error: [Double], group: [String]) -> [Bool] {
        cost.indices.map { i in
            guard error[i].isFinite, cost[i].isFinite else { return false }
            return !cost.indices.contains { j in
                j != i && group[j] == group[i] && error[j].isFinite && cost[j] <= cost[i] && error[j] <= error[i]
                    && (cost[j] < cost[i] || error[j] < error[i])
            }
        }
    }
}
