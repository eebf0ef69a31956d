import ArgumentParser
import AttentionAsDynamics
import Estimators
import Foundation
import Reports
import Studies

struct VarianceSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variance-sweep",
        abstract: "Bias and variance of sampling estimators at fixed configurations, against their closed-form laws.",
        discussion: """
        Each estimator is drawn --draws times at each of --configurations fixed configurations; the \
        per-particle variance (with its SE from the fourth moment), the bias with a zero-bias test, \
        and the ratio to the closed form are reported, with a weighted fit of log variance against \
        log theory per estimator. Particle systems: random-batch, random-batch-replacement, \
        bernoulli, uniform-columns. Attention: rba, rba-corrected, bernoulli, yoso, \
        yoso-normalized, uniform-columns, importance-columns, skeinformer (and its ablations \
        skeinformer-no-pilot, -no-adaptive, -no-reuse). Results do not depend on --threads.
        """)

    @OptionGroup(title: "Sweep options") var sweep: SweepOptions
    @OptionGroup(title: attentionOptionsTitle) var attention: AttentionOptions
    @OptionGroup(title: "Run options") var runOptions: RunOptions
    @OptionGroup(title: outputOptionsTitle) var output: OutputOptions

    /// The systems, N, d, the estimators and their sizes, the draws and configurations.
    struct SweepOptions: ParsableArguments {
        @Option(help: "Comma list of systems.")
        var system = NameList<VarianceSweepSystemNames>("smooth")
        @Option(help: "Number of particles or tokens N, an integer in [3, 1000000].")
        var particles: Int = 128
        @Option(help: "Dimension d, an integer in [1, 4096]. (default: 2 for particle systems, 8 for attention)")
        var dim: Int?
        @Option(help: "Comma list of estimators; each applies to the listed systems that have it.")
        var estimators = NameList<AnyEstimatorNames>(defaultDescription: "every estimator of each system")
        @Option(help: "Comma list of sizes (p, π, m or c) applied to every estimator, each in the estimator's range. (default: each estimator's own range)")
        var sizes: String?
        @Option(name: .customLong("match-cost"), help: "Comma list of expected costs per particle, each a finite number > 0; each estimator's size is chosen to match each (not with --sizes).")
        var matchCost: String?
        @Option(help: "Draws per configuration, an integer in [4, 1000000].")
        var draws: Int = 1_000
        @Option(help: "Independent fixed configurations, an integer in [1, 100000].")
        var configurations: Int = 2
        @Option(help: "Bits τ per YOSO hash, an integer in [1, 20].")
        var bits: Int = 8
    }

    /// Seed, threads, calibration, resuming, memory.
    struct RunOptions: ParsableArguments {
        @Option(help: "Seed of all random streams, an integer in [0, 2⁶⁴ − 1].")
        var seed: UInt64 = 20_251_123
        @Option(help: "Worker threads, an integer in [1, 1024]; results do not depend on it. (default: all cores)")
        var threads: Int?
        @Option(help: "Calibrate instead: rerun the sweep over R seeds (seed, seed + 1, …), R an integer in [2, 100000], and report the coverage of every printed 95% interval and the size of every exact-null test.")
        var calibrate: Int?
        @Flag(help: "Continue the interrupted sweep whose journal is in --out (same options; --threads may differ).")
        var resume = false
        @Option(name: .customLong("max-memory"), help: "Refuse runs whose estimated peak memory exceeds this size (e.g. 16G, 512M or bytes). (default: the machine's memory)")
        var maxMemory: String?
    }

    var system: String { sweep.system.text ?? "smooth" }
    var particles: Int { sweep.particles }
    var dim: Int? { sweep.dim }
    var estimators: String? { sweep.estimators.text }
    var sizes: String? { sweep.sizes }
    var matchCost: String? { sweep.matchCost }
    var draws: Int { sweep.draws }
    var configurations: Int { sweep.configurations }
    var bits: Int { sweep.bits }
    var seed: UInt64 { runOptions.seed }
    var threads: Int? { runOptions.threads }
    var calibrate: Int? { runOptions.calibrate }
    var resume: Bool { runOptions.resume }
    var maxMemory: String? { runOptions.maxMemory }

    func run() throws {
        var c = VarianceSweepConfiguration()
        c.systems = try parseNames(system, option: "--system")
        c.particles = particles
        c.dimension = dim
        c.estimators = try estimators.map { try parseNames($0, option: "--estimators") }
        c.sizes = try sizes.map { try parseList($0, option: "--sizes") { Double($0) } }
        c.matchCost = try matchCost.map { try parseList($0, option: "--match-cost") { Double($0) } }
        c.draws = draws
        c.configurations = configurations
        c.seed = seed
        c.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        c.yosoBits = bits
        try attention.apply(to: &c.attention)
        if !c.systems.contains("attention") { try attention.rejectUnlessAttention() }
        try c.validate()
        let memory = try MemoryEstimates.varianceSweep(c)
        try MemoryLimit(maxMemory).check(estimate: memory.bytes, what: memory.what,
                                         advice: "use fewer --particles, a smaller --dim, fewer --configurations, or leave uniform-columns and importance-columns out of --estimators")
        if let calibrate {
            let configuration = c
            try require(!resume, "--resume", "is not available with --calibrate (a calibration keeps no journal)")
            try output.calibrate(seeds: calibrate) { progress in
                try Self.timeEstimate(configuration, seeds: calibrate).announce()  // once the options are checked
                return try VarianceSweepCalibrationReport.run(configuration, seeds: calibrate, progress: progress)
            }
            return
        }

        try require(!resume || output.out != nil, "--resume", "needs the --out directory that holds the interrupted sweep's journal")
        let outDirectory = try output.prepare()
        let units = try UnitJournal<VarianceSweepStudy.Unit>(in: outDirectory, name: "variance-sweep.journal",
                                                              header: JournalHeader(configuration: c), resume: resume,
                                                              optionNames: Self.optionNames, study: "sweep")
        let journal = units.journal
        try Self.timeEstimate(c, completed: Set(units.completed.keys)).announce()
        var result = try ProgressReporter.run(label: "variance-sweep", unit: "tasks") { progress in
            try VarianceSweepStudy.run(c, progress: progress, record: units.record, completed: units.completed)
        }
        do { try NumericalFailures.check(result, configuration: c) } catch { journal?.remove(); throw error }
        result.manifest.command = commandLine.replacingOccurrences(of: " --resume", with: "")  // as the uninterrupted sweep
        try output.emit(json: try result.json(), table: result.table(), tables: result.tidyTables(),
                        files: [("variance-sweep.json", try result.json())],
                        directory: outDirectory, warnings: result.warnings, committed: { journal?.remove() }) {
            try VarianceSweepNotebook.write(result, to: $0, plotFormats: output.plotFormats)
        }
    }

    /// Throughput of the sweep per thread, in ``TimeEstimate``'s units (d + 4 per pair interaction,
    /// attention 2.5×): lower than the dynamics' 1.2·10⁹, the draws carrying their sampling and
    /// statistics. Measured here (2 shared cores): smooth, N = 512, 2000 draws, 2 configurations,
    /// every estimator, 8.2·10⁹ pair interactions in 84 s.
    static let unitsPerSecond = 3.0e8

    /// The up-front time estimate of the units of `c` not in `completed`, at each of `seeds` seeds
    /// (``VarianceSweepConfiguration/pairInteractionsPerUnit()``: 2·R·c·N + N² each), in each
    /// system's dimension, the draws of a unit spread over at most
    /// ``EstimatorDrawStatistics/shards`` threads.
    static func timeEstimate(_ c: VarianceSweepConfiguration, completed: Set<String> = [], seeds: Int = 1) throws -> TimeEstimate {
        let units = try c.pairInteractionsPerUnit().filter { !completed.contains($0.key) }
        let parts = try c.systems.map { system in
            let attention = system == "attention"
            let pairs = units.filter { $0.system == system }.reduce(0) { $0 + $1.pairs } * Double(seeds)
            return TimeEstimate(pairs: pairs, dimension: attention ? try c.resolvedAttention.resolvedShape().dimension : c.dimension(system: system),
                                attention: attention, threads: c.threads,
                                parallelUnits: min(c.draws, EstimatorDrawStatistics.shards), unitsPerSecond: Self.unitsPerSecond, what: "")
        }
        let pairs = units.reduce(0) { $0 + $1.pairs } * Double(seeds)
        let what = String(format: "%.1e", pairs) + " pair interactions: \(units.count) (estimator, size, configuration) units of 2 × \(c.draws) draws" + (seeds > 1 ? " × \(seeds) seeds" : "")
        return TimeEstimate(seconds: parts.reduce(0) { $0 + $1.seconds }, threads: parts[0].threads, what: what)
    }

    /// The journal header: its format and the full configuration.
    struct JournalHeader: Codable {
        var format = "rbm-study/variance-sweep-journal/1"
        var configuration: VarianceSweepConfiguration
    }

    static let optionNames: [String: String] = [
        "configuration.systems": "--system", "configuration.particles": "--particles", "configuration.dimension": "--dim",
        "configuration.estimators": "--estimators", "configuration.sizes": "--sizes", "configuration.matchCost": "--match-cost",
        "configuration.draws": "--draws", "configuration.configurations": "--configurations", "configuration.seed": "--seed",
        "configuration.yosoBits": "--bits", "format": "the journal format"]
        .merging(attentionOptionNames(prefix: "configuration.attention.")) { a, _ in a }
}
