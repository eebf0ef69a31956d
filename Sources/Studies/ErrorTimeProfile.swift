import Foundation
import NumericsCore

/// One error of a convergence study along [0, T] (JSON `timeProfiles[]`): the RMS error at the
/// checkpoints tⱼ = j·T/K for one kind, batch size and τ, its largest value over the
/// checkpoints, and its growth in t over the second half of the run.
///
/// The Random Batch theorem bounds sup_{t ≤ T} E‖X̃(t) − X(t)‖² ≤ C·τ·g(p), with C independent
/// of T when the confinement is strongly convex (Jin, Li, Liu, J. Comput. Phys. 400 (2020),
/// arXiv 1812.10575). The profile shows whether the measured error has stopped growing: after
/// an initial rise it should level off.
public struct ErrorTimeProfile: Codable, Sendable {
    public var estimator: String
    /// The batch size (N for the time error of full Euler–Maruyama).
    public var batchSize: Int
    /// `strong`, `batch` or `time`.
    public var kind: ConvergenceFitKind
    public var dt: Double
    /// The checkpoints tⱼ (the last is T).
    public var times: [Double]
    /// RMS over particles and trajectories at each tⱼ, ± SE (delta method).
    public var errors: [Estimate]
    /// The largest RMS error over the checkpoints (an estimate of sup_t of the RMS error on the
    /// checkpoint grid; the maximum of noisy estimates is biased upward by about one SE where
    /// the profile is flat), and where it occurs.
    public var supremum: Estimate
    public var supremumTime: Double
    /// The exponent of the error in t over the checkpoints with t ≥ T/2, when there are at least
    /// two (nil otherwise).
    public var lateGrowth: TimeGrowth?
}

/// e(t) ∝ t^q over the checkpoints t ≥ T/2, fitted by ``SharedSampleExponentFit`` (the
/// checkpoints share trajectories, so their covariance is estimated directly): q ≈ 0 once the
/// error has stopped growing, q ≈ ½ while it still accumulates like a random walk.
public struct TimeGrowth: Codable, Sendable {
    /// The first checkpoint used (≥ T/2).
    public var from: Double
    public var exponent: Double
    public var standardError: Double
    /// Sandwich 95% interval of the least-squares slope over those checkpoints (not widened when
    /// the lack of fit rejects: the slope is then a summary of a curved profile, and the local
    /// exponents show the curve). Spanning the local exponents instead covered 98.8% of 40 seeds
    /// on the default study, with intervals 3–7 times the spread across seeds.
    public var ci95: [Double]
    /// Hotelling-F lack of fit of one exponent over the checkpoints used.
    public var lackOfFitP: Double?
    public var localExponents: [Double]
    public var trajectories: Int
}

extension ErrorTimeProfile {
    /// The profile of one error from its per-trajectory mean squares `samples[trajectory][checkpoint]`.
    static func build(estimator: String, batchSize: Int, kind: ConvergenceFitKind, dt: Double, times: [Double],
                      samples: [[Double]]) -> ErrorTimeProfile {
        let errors = times.indices.map { j in rootMeanSquare(samples.map { $0[j] }) }
        let top = errors.indices.max { a, b in
            // NaN (a non-finite run) sorts last so that it is reported, not hidden.
            errors[a].value.isNaN ? false : errors[b].value.isNaN ? true : errors[a].value < errors[b].value
        } ?? 0
        return ErrorTimeProfile(estimator: estimator, batchSize: batchSize, kind: kind, dt: dt, times: times, errors: errors,
                                supremum: errors[top], supremumTime: times[top],
                                lateGrowth: TimeGrowth.fit(times: times, samples: samples))
    }
}

extension TimeGrowth {
    /// The growth over the checkpoints t ≥ T/2; nil with fewer than two of them or a zero or
    /// non-finite error.
    static func fit(times: [Double], samples: [[Double]]) -> TimeGrowth? {
        guard let horizon = times.last else { return nil }
        let late = times.indices.filter { times[$0] >= horizon / 2 - 1e-12 * horizon }
        guard late.count >= 2,
              let fit = SharedSampleExponentFit(x: late.map { times[$0] },
                                                contributions: late.map { j in samples.map { $0[j] } },
                                                widenOnLackOfFit: false) else { return nil }
        return TimeGrowth(from: times[late[0]], exponent: fit.exponent, standardError: fit.standardError, ci95: fit.ci95,
                          lackOfFitP: fit.lackOfFitP, localExponents: fit.localExponents, trajectories: fit.trajectories)
    }
}
