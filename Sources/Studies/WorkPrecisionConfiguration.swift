import Estimators
import Foundation

/// Settings of a work–precision study (``WorkPrecisionStudy``): the attention setup, which
/// estimators at which sizes, how many draws (random methods) and timing repeats, and the
/// trajectory part (Euler steps of the attention dynamics) for the sampling schemes.
public struct WorkPrecisionConfiguration: Codable, Sendable {
    public var attention: AttentionSetup = {
        var setup = AttentionSetup()
        setup.tokens = 256
        setup.dimension = 16
        return setup
    }()
    /// Estimator names (nil: every entry of ``AttentionEstimatorCatalog``).
    public var estimators: [String]? = nil
    /// Sizes applied to every chosen estimator (nil: each estimator's default sizes).
    public var sizes: [Double]? = nil
    /// Independent draws per (estimator, size) for random methods (deterministic ones use one).
    public var draws: Int = 8
    /// Timed repetitions per (estimator, size); the median is reported.
    public var repeats: Int = 5
    /// Seed of the configuration (tokens, maps) and, unless ``drawSeed`` is set, of the draws.
    public var seed: UInt64 = 20_251_123
    /// Seed of the estimators' draws and trajectories only (nil: ``seed``); a calibration run
    /// varies it to resample the draws at a fixed configuration.
    public var drawSeed: UInt64? = nil
    public var threads: Int = 1
    /// Trajectory part: on/off, Euler step, final time, trajectories per (estimator, size).
    public var dynamics: Bool = true
    public var timeStep: Double = 0.1
    public var horizon: Double = 1
    public var trajectories: Int = 8

    public init() {}

    /// Euler steps to the horizon (0 when the ratio is not a usable step count: ``validate()`` rejects it).
    public var steps: Int {
        let ratio = (horizon / timeStep).rounded()
        return ratio.isFinite && ratio >= 0 && ratio <= 1e15 ? Int(ratio) : 0
    }

    /// The selected catalog entries with their sizes, validated against N. Paramixer entries
    /// that were not asked for by name are skipped (with a warning) when N is not a power of two.
    public func plan(tokens n: Int) throws -> (tasks: [(entry: EstimatorEntry<any AttentionEstimator>, sizes: [Double])], warnings: [String]) {
        var warnings: [String] = []
        let entries: [EstimatorEntry<any AttentionEstimator>]
        if let estimators {
            entries = try estimators.map { try AttentionEstimatorCatalog.entry(named: $0, option: "--estimators") }
        } else {
            entries = AttentionEstimatorCatalog.entries
        }
        var tasks: [(entry: EstimatorEntry<any AttentionEstimator>, sizes: [Double])] = []
        for entry in entries {
            if let problem = AttentionEstimatorCatalog.tokenCountProblem(estimator: entry.name, tokens: n) {
                if estimators == nil { warnings.append("skipped: \(problem)"); continue }
                throw InvalidInput(option: attention.tokensFile == nil ? "--particles" : "--tokens-file", problem)
            }
            let chosen = sizes ?? entry.defaultSizes(n)
            for size in chosen { try entry.validate(size: size, count: n, option: "--sizes") }
            tasks.append((entry, chosen))
        }
        return (tasks, warnings)
    }

    /// Pair interactions of a study, from the configuration, with c(size) an estimator's expected
    /// cost per token and N the tokens, in its three parts:
    /// - errors, run in parallel over the `tasks` (estimator, size): Σ R·c·N over the tasks (R
    ///   draws; a deterministic method stops after two, so this bounds it) plus N² for exact
    ///   attention and for each estimator's exact target;
    /// - timings, one call at a time: `repeats`·(N² + Σ c·N), exact attention and every task;
    /// - dynamics (unless skipped), run in parallel over the `trajectoryTasks` of the sampling
    ///   schemes: steps·N² for the exact reference plus Σ trajectories·steps·c·N over them.
    public func pairInteractions() throws -> (errors: Double, timings: Double, dynamics: Double, tasks: Int, trajectoryTasks: Int) {
        let n = try attention.resolvedShape().tokens
        let square = Double(n) * Double(n)
        var errors = square, timings = Double(repeats) * square, dynamics = 0.0, tasks = 0, trajectoryTasks = 0
        for (entry, sizes) in try plan(tokens: n).tasks {
            errors += square
            for size in sizes {
                let perCall = entry.make(size).expectedCost(tokens: n) * Double(n)
                errors += Double(draws) * perCall
                timings += Double(repeats) * perCall
                tasks += 1
                if self.dynamics && WorkPrecisionStudy.trajectoryEstimatorNames.contains(entry.name) {
                    dynamics += Double(trajectories * steps) * perCall
                    trajectoryTasks += 1
                }
            }
        }
        if trajectoryTasks > 0 { dynamics += Double(steps) * square }
        return (errors, timings, dynamics, tasks, trajectoryTasks)
    }

    public func validate() throws {
        try attention.validate()
        if let estimators {
            try require(!estimators.isEmpty && Set(estimators).count == estimators.count, "--estimators",
                        "must list distinct estimator names (got \(estimators.joined(separator: ",")))")
        }
        if let sizes { try require(!sizes.isEmpty && sizes.allSatisfy(\.isFinite), "--sizes", "must be a non-empty list of finite numbers") }
        try require(draws >= 2 && draws <= 100_000, "--draws", "must be an integer in [2, 100000] (got \(draws))")
        try require(repeats >= 1 && repeats <= 1_000, "--repeats", "must be an integer in [1, 1000] (got \(repeats))")
        try require(threads >= 1 && threads <= 1_024, "--threads", "must be an integer in [1, 1024] (got \(threads))")
        try require(timeStep.isFinite && timeStep > 0 && timeStep <= 1, "--dt", "must be a number in (0, 1] (got \(timeStep))")
        try require(horizon.isFinite && horizon > 0 && horizon <= 100, "--horizon", "must be a number in (0, 100] (got \(horizon))")
        let ratio = (horizon / timeStep).rounded()
        try require(ratio >= 1 && ratio <= 100_000, "--dt",
                    "gives \(ratio <= 1e15 ? String(Int(ratio)) : String(format: "%.3g", ratio)) steps to the horizon \(horizon); allowed 1 to 100000")
        try require(abs(Double(steps) * timeStep - horizon) <= 1e-9 * horizon, "--dt",
                    "must divide the horizon \(horizon) into a whole number of steps (got \(timeStep))")
        try require(trajectories >= 2 && trajectories <= 100_000, "--trajectories", "must be an integer in [2, 100000] (got \(trajectories))")
        let (n, _) = try attention.resolvedShape()
        _ = try plan(tokens: n)
    }
}
