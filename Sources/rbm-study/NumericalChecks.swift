import Estimators
import Foundation
import NumericsCore
import Studies
import Synchronization

/// Turns non-finite results and numerical library failures into ``NumericalFailure``s that say
/// what failed and which option would avoid it (exit 3): a report is never printed over NaN.
enum NumericalFailures {
    /// What to change for attention whose numbers overflow or blow up.
    static func attentionAdvice(_ setup: AttentionSetup, dynamics: Bool) -> String {
        var options: [String] = []
        if setup.normalization == .meanField {
            options.append("--normalization softmax or a smaller --beta (mean-field attention grows like e^{β⟨q,k⟩}; β = \(format(setup.beta)))")
        } else if setup.beta > 1 {
            options.append("a smaller --beta")
        }
        if dynamics && setup.geometry == .euclidean { options.append("--geometry sphere (euclidean tokens can escape to infinity)") }
        if dynamics { options.append("a shorter --horizon or a smaller --dt") }
        return options.isEmpty ? "check --tokens-file and --maps-file for extreme values" : "use " + options.joined(separator: ", or ")
    }

    static func format(_ x: Double) -> String { String(format: "%g", x) }

    /// The names in first-seen order, each once.
    static func distinct(_ names: [String]) -> [String] {
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }
    }

    /// The GSL driver status in words.
    static func describe(_ error: NumericalLibraryError) -> String {
        switch error.status {
        case 9: return "the drift became non-finite (status 9, GSL_EBADFUNC)"
        case 11: return "it spent its step budget (status 11, GSL_EMAXITER)"
        case 27, -1: return "its step size shrank to nothing (status \(error.status)), as when the solution blows up"
        default: return "status \(error.status)"
        }
    }

    static func convergence(_ error: NumericalLibraryError, configuration c: ConvergenceConfiguration) -> Error {
        guard error.routine.hasPrefix("gsl_odeiv2") else { return error }
        if error.status == 11 {
            // A finite solution can still need more steps than the budget over a very long horizon.
            return NumericalFailure("the adaptive reference solver (GSL rk8pd) failed before --horizon \(format(c.horizon)): \(describe(error)); use a shorter --horizon")
        }
        let advice = c.system == .attention ? attentionAdvice(c.attention, dynamics: true) : "use a shorter --horizon or smaller --noise"
        return NumericalFailure("the adaptive reference solver (GSL rk8pd) failed before --horizon \(format(c.horizon)): \(describe(error)); the dynamics is not finite over the horizon; \(advice)")
    }

    /// `nonFiniteRuns` integrations (of `trajectory`, when known) ended non-finite.
    static func convergence(nonFiniteRuns: Int, trajectory: Int?, configuration c: ConvergenceConfiguration) -> Error {
        let advice = c.system == .attention
            ? attentionAdvice(c.attention, dynamics: true)
            : "use smaller --dt values (a coarse level is unstable), fewer --particles or a shorter --horizon"
        let runs = "\(nonFiniteRuns) run\(nonFiniteRuns == 1 ? "" : "s")" + (trajectory.map { " of trajectory \($0)" } ?? "")
        return NumericalFailure("\(runs) became non-finite (overflow\(c.system == .dyson ? " or particle collision" : "")), so their errors and every fitted order would be NaN; \(advice)")
    }

    /// A report with a statistic that is not a finite number although every run stayed finite:
    /// errors so large (an unstable coarse level) that their mean squares' variance overflows, or
    /// so small (dynamics that decayed below double precision by T) that ratios are 0/0.
    static func check(_ report: ConvergenceReport, configuration c: ConvergenceConfiguration) throws {
        let bad = report.nonFiniteStatistics()
        guard let first = bad.first else { return }
        let advice = c.system == .attention
            ? attentionAdvice(c.attention, dynamics: true)
            : "use smaller --dt values (a coarse level is unstable), a shorter --horizon (errors overflow or decay to exactly 0 over a long one) or fewer --particles"
        throw NumericalFailure("\(bad.count) statistic\(bad.count == 1 ? " is" : "s are") not finite (first: \(first)): the errors overflow or underflow double precision although every run stayed finite; \(advice)")
    }

    /// A calibration whose intervals are not finite (runs that overflowed, or errors exactly zero).
    static func check(_ report: ConvergenceCalibrationReport, configuration c: ConvergenceConfiguration) throws {
        // Pooled entries have no single target or mean by design.
        let bad = report.coverage.filter { !$0.pooled && !($0.target.isFinite && $0.meanEstimate.isFinite) }
        guard let first = bad.first else { return }
        let advice = c.system == .attention
            ? attentionAdvice(c.attention, dynamics: true)
            : "use smaller --dt values (a coarse level is unstable), fewer --particles or a shorter --horizon"
        throw NumericalFailure("\(bad.count) of \(report.coverage.count) calibrated intervals are not finite (first: \(first.label)): some runs overflowed or gave exactly zero errors; \(advice)")
    }

    /// A variance sweep whose statistics overflowed (the draws' second or fourth moments).
    static func check(_ report: VarianceSweepReport, configuration c: VarianceSweepConfiguration) throws {
        let bad = report.rows.filter { row in
            let numbers = [row.variance.value, row.variance.standardError, row.meanSquaredError.value, row.meanSquaredError.standardError,
                           row.bias.value, row.bias.standardError, row.targetRMS] + (row.theoryVariance.map { [$0] } ?? [])
            return !numbers.allSatisfy(\.isFinite)
        }
        guard let first = bad.first else { return }
        let advice = first.system == "attention" ? attentionAdvice(c.attention, dynamics: false) : "use fewer --particles"
        let exact = !first.targetRMS.isFinite ? "the exact output itself is not finite in double precision" : "their variance or its fourth-moment SE overflows double precision"
        throw NumericalFailure("\(bad.count) of \(report.rows.count) rows are not finite (first: \(first.system) \(first.estimator) at size \(format(first.size)); \(exact)); \(advice)")
    }

    /// A work–precision study with a non-finite error (of a draw, or of a trajectory).
    static func check(_ report: WorkPrecisionReport, configuration c: WorkPrecisionConfiguration) throws {
        let badRows = report.rows.filter { !($0.error.value.isFinite && $0.error.standardError.isFinite && $0.spectralError.value.isFinite) }
        if !badRows.isEmpty {
            let names = distinct(badRows.map(\.estimator))
            throw NumericalFailure("\(badRows.count) of \(report.rows.count) estimator rows have a non-finite error (\(names.joined(separator: ", "))): the output overflowed; \(attentionAdvice(c.attention, dynamics: false)), or leave \(names.count == 1 ? "that estimator" : "those estimators") out of --estimators")
        }
        let badTrajectories = report.trajectoryRows.filter { !($0.error.value.isFinite && $0.error.standardError.isFinite) }
        if !badTrajectories.isEmpty {
            let names = distinct(badTrajectories.map(\.estimator))
            throw NumericalFailure("\(badTrajectories.count) of \(report.trajectoryRows.count) trajectory rows are not finite (\(names.joined(separator: ", "))): the attention dynamics overflowed within --horizon \(format(c.horizon)); \(attentionAdvice(c.attention, dynamics: true)), or --skip-dynamics")
        }
    }
}

/// The trajectory records of a run (journaled ones and new ones), collected from worker threads.
final class RecordCollector: Sendable {
    private let records: Mutex<[TrajectoryErrors]>

    init<S: Sequence>(_ initial: S) where S.Element == TrajectoryErrors { records = Mutex(Array(initial)) }

    func add(_ record: TrajectoryErrors) { records.withLock { $0.append(record) } }

    /// In trajectory order.
    func sorted() -> [TrajectoryErrors] { records.withLock { $0.sorted { $0.trajectory < $1.trajectory } } }
}

/// Counts non-finite runs reported from worker threads.
final class NonFiniteCounter: Sendable {
    private let count = Atomic<Int>(0)

    func add(_ n: Int) { count.wrappingAdd(n, ordering: .relaxed) }
    var total: Int { count.load(ordering: .relaxed) }
}

/// Peak-memory estimates of the static attention studies, from the configuration (the
/// convergence study's is ``ConvergenceConfiguration/estimatedMemoryBytes``). The dominant terms:
/// the exact weight matrix B (and Bᵀ) that column sampling prepares, 2·N² numbers per worker; the
/// N×N Gaussian kernel that SOFT's exact target forms; and the N-row matrices of inputs, outputs
/// and estimator scratch. A fixed 64 MB covers the program.
enum MemoryEstimates {
    static let fullMatrixEstimators: Set<String> = ["uniform-columns", "importance-columns"]

    static func workPrecision(_ c: WorkPrecisionConfiguration) throws -> (bytes: Double, what: String) {
        let (n, d) = try c.attention.resolvedShape()
        let (tasks, _) = try c.plan(tokens: n)
        let names = Set(tasks.map(\.entry.name))
        let nn = Double(n) * Double(n), nd = Double(n) * Double(d)
        let maxSize = tasks.flatMap(\.sizes).max() ?? 1
        let perWorker = 8 * Double(n) * (8 * Double(d) + 2 * min(maxSize, Double(n)))
            + (names.isDisjoint(with: fullMatrixEstimators) ? 0 : 16 * nn)
        let shared = 8 * nd * 8 + (names.contains { $0.hasPrefix("soft") } ? 8 * nn : 0)
        let workers = Double(max(1, min(c.threads, tasks.reduce(0) { $0 + $1.sizes.count })))
        return (64e6 + shared + workers * perWorker, "N = \(n), d = \(d), \(Int(workers)) estimators at once")
    }

    static func varianceSweep(_ c: VarianceSweepConfiguration) throws -> (bytes: Double, what: String) {
        var total = 64e6
        var largest = 0
        for system in c.systems {
            let n = try c.count(system: system), d = Double(c.dimension(system: system))
            largest = max(largest, n)
            let nd = Double(n) * d
            let names = Set(c.estimatorNames(system: system))
            let workers = Double(max(1, min(c.threads, EstimatorDrawStatistics.shards)))
            var bytes = 8 * nd * (Double(c.configurations) * 4 + Double(EstimatorDrawStatistics.shards) * 3 + workers * 8)
            if system == "attention" && !names.isDisjoint(with: fullMatrixEstimators) { bytes += 16 * Double(n) * Double(n) }
            total += bytes
        }
        return (total, "N = \(largest), \(c.configurations) configurations")
    }
}
