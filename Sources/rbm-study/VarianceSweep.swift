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

    @Option(help: "Comma list of systems: smooth, linear, attention.")
    var system: String = "smooth"
    @Option(help: "Number of particles or tokens N (≥ 3).")
    var particles: Int = 128
    @Option(help: "Dimension d (default 2 for particle systems, 8 for attention).")
    var dim: Int?
    @Option(help: "Comma list of estimators (default: every estimator of the system).")
    var estimators: String?
    @Option(help: "Comma list of sizes (p, π, m or c) applied to every estimator (default: each estimator's range).")
    var sizes: String?
    @Option(name: .customLong("match-cost"), help: "Comma list of expected costs per particle; each estimator's size is chosen to match each.")
    var matchCost: String?
    @Option(help: "Draws per configuration (≥ 4).")
    var draws: Int = 1_000
    @Option(help: "Independent fixed configurations (≥ 1).")
    var configurations: Int = 2
    @Option(help: "Seed of all random streams (64-bit).")
    var seed: UInt64 = 20_251_123
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?
    @OptionGroup var attention: AttentionOptions
    @Option(help: "Bits τ per YOSO hash (1–20).")
    var bits: Int = 8
    @Option(help: "Calibrate instead: rerun the sweep over this many seeds (seed, seed + 1, …) and report the coverage of every printed 95% interval and the size of every exact-null test (2–100000).")
    var calibrate: Int?
    @Flag(help: "Continue the interrupted sweep whose journal is in --out (same options; --threads may differ).")
    var resume = false
    @Option(name: .customLong("max-memory"), help: "Refuse runs whose estimated peak memory exceeds this (e.g. 16G; default: the machine's memory).")
    var maxMemory: String?
    @OptionGroup var output: OutputOptions

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
        try output.emit(json: try result.json(), table: result.table(), csv: result.rowsCSV(),
                        artifacts: [("variance-sweep.json", try result.json()), ("rows.csv", Data(result.rowsCSV().utf8)),
                                    ("fits.csv", Data(result.fitsCSV().utf8))],
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
