import ArgumentParser
import AttentionAsDynamics
import Estimators
import Foundation
import Reports
import Studies

struct WorkPrecision: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work-precision",
        abstract: "Error against exact attention versus counted and measured cost, for every attention estimator, with the Pareto front.",
        discussion: """
        At one fixed configuration, every estimator of the catalog (random batch, sampling schemes, \
        SOFT, Nyströmformer, Performer, Paramixer) at each size: relative Frobenius and spectral error \
        against its exact target (mean ± SE over --draws for random methods), expected pair \
        interactions per token, flops, and the median single-threaded wall time over --repeats. \
        Inside the dynamics: the RMS token error after --horizon/--dt Euler steps for the sampling \
        schemes. Paramixer needs N a power of two.
        """)

    @Option(help: "Number of tokens N (≥ 2; Paramixer needs a power of two).")
    var particles: Int = 256
    @Option(help: "Token dimension d.")
    var dim: Int = 16
    @Option(help: "Comma list of estimators (default: every estimator of the catalog).")
    var estimators: String?
    @Option(help: "Comma list of sizes applied to every estimator (default: each estimator's own sizes).")
    var sizes: String?
    @Option(help: "Draws per (estimator, size) for random methods (≥ 2).")
    var draws: Int = 8
    @Option(help: "Timed repetitions per (estimator, size); the median is reported (≥ 1).")
    var repeats: Int = 5
    @Option(help: "Euler step of the trajectory part.")
    var dt: Double = 0.1
    @Option(help: "Final time of the trajectory part.")
    var horizon: Double = 1
    @Option(help: "Trajectories per (estimator, size) in the trajectory part (≥ 2).")
    var trajectories: Int = 8
    @Flag(name: .customLong("skip-dynamics"), help: "Skip the trajectory part.")
    var skipDynamics = false
    @Option(help: "Seed of all random streams (64-bit).")
    var seed: UInt64 = 20_251_123
    @Option(help: "Worker threads (default: all cores). Errors do not depend on it.")
    var threads: Int?
    @Option(help: "Calibrate instead: rerun the study with this many draw seeds (seed, seed + 1, …) at the same tokens and maps and report the coverage of every printed 95% error interval (2–100000).")
    var calibrate: Int?
    @OptionGroup var attention: AttentionOptions
    @Flag(help: "Continue the interrupted study whose journal is in --out (same options; --threads may differ; timings are measured again).")
    var resume = false
    @Option(name: .customLong("max-memory"), help: "Refuse runs whose estimated peak memory exceeds this (e.g. 16G; default: the machine's memory).")
    var maxMemory: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        var c = WorkPrecisionConfiguration()
        c.attention.tokens = particles
        c.attention.dimension = dim
        c.estimators = try estimators.map { try parseNames($0, option: "--estimators") }
        c.sizes = try sizes.map { try parseList($0, option: "--sizes") { Double($0) } }
        c.draws = draws
        c.repeats = repeats
        c.timeStep = dt
        c.horizon = horizon
        c.trajectories = trajectories
        c.dynamics = !skipDynamics
        c.seed = seed
        c.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        try attention.apply(to: &c.attention)
        try c.validate()
        let memory = try MemoryEstimates.workPrecision(c)
        try MemoryLimit(maxMemory).check(estimate: memory.bytes, what: memory.what,
                                         advice: "use fewer --particles, a smaller --dim, fewer --threads, or leave uniform-columns, importance-columns and soft out of --estimators")
        if let calibrate {
            try require(!resume, "--resume", "is not available with --calibrate (a calibration keeps no journal)")
            let configuration = c
            try output.calibrate(seeds: calibrate) { progress in
                var timedOnce = configuration
                timedOnce.repeats = 1  // as the calibration times each call
                try Self.timeEstimate(timedOnce, seeds: calibrate).announce()  // once the options are checked
                return try WorkPrecisionCalibrationReport.run(configuration, seeds: calibrate, progress: progress)
            }
            return
        }

        try require(!resume || output.out != nil, "--resume", "needs the --out directory that holds the interrupted study's journal")
        let outDirectory = try output.prepare()
        let units = try UnitJournal<WorkPrecisionStudy.Unit>(in: outDirectory, name: "work-precision.journal",
                                                              header: JournalHeader(configuration: c), resume: resume,
                                                              optionNames: Self.optionNames, study: "study")
        let journal = units.journal
        try Self.timeEstimate(c).announce()  // a resumed study in full: its timings are measured again
        var result = try ProgressReporter.run(label: "work-precision", unit: "tasks") { progress in
            try WorkPrecisionStudy.run(c, progress: progress, record: units.record, completed: units.completed)
        }
        do { try NumericalFailures.check(result, configuration: c) } catch { journal?.remove(); throw error }
        result.manifest.command = commandLine.replacingOccurrences(of: " --resume", with: "")  // as the uninterrupted study
        try output.emit(json: try result.json(), table: result.table(), csv: result.rowsCSV(),
                        artifacts: [("work-precision.json", try result.json()), ("rows.csv", Data(result.rowsCSV().utf8)),
                                    ("trajectories.csv", Data(result.trajectoriesCSV().utf8))],
                        directory: outDirectory, warnings: result.warnings, committed: { journal?.remove() }) {
            try WorkPrecisionNotebook.write(result, to: $0, plotFormats: output.plotFormats)
        }
    }

    /// Throughput of the study per thread, in ``TimeEstimate``'s units (d + 4 per pair
    /// interaction, attention 2.5×): half the dynamics' 1.2·10⁹, the calls carrying their error
    /// norms (an SVD per draw), maps and feature constructions. Measured here (2 shared cores):
    /// N = 512, d = 16, every estimator, 16 draws, 5 repeats, 16 trajectories of 10 steps,
    /// 9.5·10⁸ pair interactions in 41 s.
    static let unitsPerSecond = 6.0e8

    /// The up-front time estimate of `c` at each of `seeds` seeds
    /// (``WorkPrecisionConfiguration/pairInteractions()``), attention pair interactions in
    /// dimension d: the errors spread over the (estimator, size) tasks, the timings on one
    /// thread, the dynamics spread over the sampling tasks.
    static func timeEstimate(_ c: WorkPrecisionConfiguration, seeds: Int = 1) throws -> TimeEstimate {
        let work = try c.pairInteractions()
        let d = try c.attention.resolvedShape().dimension
        let parts = [(work.errors, work.tasks), (work.timings, 1), (work.dynamics, work.trajectoryTasks)].map { pairs, units in
            TimeEstimate(pairs: pairs * Double(seeds), dimension: d, attention: true, threads: c.threads, parallelUnits: units,
                         unitsPerSecond: Self.unitsPerSecond, what: "")
        }
        let pairs = (work.errors + work.timings + work.dynamics) * Double(seeds)
        let what = String(format: "%.1e", pairs) + " pair interactions: \(work.tasks) (estimator, size) tasks × (\(c.draws) draws + \(c.repeats) timed calls)"
            + (work.trajectoryTasks > 0 ? ", \(work.trajectoryTasks) × \(c.trajectories) trajectories of \(c.steps) steps" : "")
            + (seeds > 1 ? " × \(seeds) seeds" : "")
        return TimeEstimate(seconds: parts.reduce(0) { $0 + $1.seconds }, threads: max(1, min(c.threads, work.tasks)), what: what)
    }

    /// The journal header: its format and the full configuration.
    struct JournalHeader: Codable {
        var format = "rbm-study/work-precision-journal/1"
        var configuration: WorkPrecisionConfiguration
    }

    static let optionNames: [String: String] = [
        "configuration.estimators": "--estimators", "configuration.sizes": "--sizes", "configuration.draws": "--draws",
        "configuration.repeats": "--repeats", "configuration.seed": "--seed", "configuration.dynamics": "--skip-dynamics",
        "configuration.timeStep": "--dt", "configuration.horizon": "--horizon", "configuration.trajectories": "--trajectories",
        "format": "the journal format"]
        .merging(attentionOptionNames(prefix: "configuration.attention.")) { a, _ in a }
}
