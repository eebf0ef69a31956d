import Foundation
import NumericsCore
import Studies

/// What a convergence claim runs the study on: a built-in system described by a
/// configuration, or a model of your own with the study's grid.
public enum ConvergenceSubject: Sendable {
    case builtIn(ConvergenceConfiguration)
    case custom(ConvergenceModel, ConvergenceConfiguration)

    public var configuration: ConvergenceConfiguration {
        switch self {
        case .builtIn(let c), .custom(_, let c): return c
        }
    }

    /// The same subject with the seed and thread count of a check.
    func with(seed: UInt64, threads: Int) -> ConvergenceSubject {
        var c = configuration
        c.seed = seed
        c.threads = threads
        switch self {
        case .builtIn: return .builtIn(c)
        case .custom(let model, _): return .custom(model, c)
        }
    }

    /// Runs the convergence study (`ConvergenceStudy`).
    func run() throws -> ConvergenceReport {
        switch self {
        case .builtIn(let c): return try ConvergenceStudy.run(c)
        case .custom(let model, let c): return try ConvergenceStudy.run(c, model: model)
        }
    }

    /// The configuration in words.
    var description: String {
        let c = configuration
        let system: String
        switch self {
        case .builtIn: system = c.system.rawValue
        case .custom(let model, _): system = model.name
        }
        let grid = c.timeSteps.sorted(by: >).map { String(format: "%g", $0) }.joined(separator: ", ")
        return "convergence study of \(system), N = \(c.particles), d = \(c.dimension), p ∈ {\(c.batchSizes.map(String.init).joined(separator: ", "))}, τ ∈ {\(grid)}, T = \(String(format: "%g", c.horizon)), \(c.trajectories) trajectories"
    }
}

/// Measurements printed with their standard error.
func pm(_ e: Estimate) -> String { "\(short(e.value)) ± \(short(e.standardError))" }

func short(_ x: Double) -> String {
    guard x.isFinite else { return "nan" }
    if x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e5) { return String(format: "%.3e", x) }
    return String(format: "%.4g", x)
}

func bracket(_ interval: [Double]) -> String {
    interval.count == 2 ? "[\(short(interval[0])), \(short(interval[1]))]" : "—"
}

func elapsed(since start: Date) -> Double { Date().timeIntervalSince(start) }
