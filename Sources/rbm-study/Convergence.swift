import ArgumentParser
import Foundation
import Estimators
import NumericsCore
import AttentionAsDynamics
import ParticleSystems
import Reports
import Studies

struct Convergence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Strong, weak, batch and time-discretisation error of RBM versus time step, with fitted orders.",
        discussion: """
        The full system and RBM share initial data and Brownian increments; batch partitions use \
        their own stream. The reference is Euler–Maruyama at (finest dt)/r (--reference-refinement, \
        default 8) on the same Brownian path (σ > 0) or GSL's adaptive rk8pd (σ = 0). Orders are \
        least-squares slopes with delta-method 95% intervals and a Hotelling lack-of-fit test; the \
        total strong error is fitted against the theorem's shape A·g(p)·τ + B·τ² over all batch \
        sizes; every fit gets a verdict, and --calibrate R measures the intervals' coverage.
        """)

    @OptionGroup(title: "Particle system options") var problem: ProblemOptions
    @OptionGroup(title: attentionOptionsTitle) var attention: AttentionOptions
    @OptionGroup(title: "Run options") var runOptions: RunOptions
    @OptionGroup(title: outputOptionsTitle) var output: OutputOptions

    /// The system, the estimator, N, d, the batch sizes and the τ grid.
    struct ProblemOptions: ParsableArguments {
        @Option(help: "The system: a particle problem (smooth, linear, dyson) or attention (tokens as particles).")
        var system: ConvergenceSystem = .smooth
        @Option(help: "The approximate estimator: an interaction-sum estimator of the particle systems, or any attention estimator with --system attention.")
        var estimator: EstimatorName = .systemDefault
        @Option(help: "Number of particles (tokens) N, an integer in [2, 10000000]. A comma list (e.g. 32,64,128,256) runs the study at each N with the same τ grid and fits each error's exponent in N (theory 0 for the batch error). (default: 64, or the token file's N)")
        var particles: String?
        @Option(help: "Dimension d, an integer in [1, 4096]; dyson is one-dimensional. (default: 2; 3 for attention, or the token file's d)")
        var dim: Int?
        @Option(name: .customLong("batch-sizes"), help: "Comma list of batch sizes p, each an integer in [2, N]; for other estimators their integer size (samples c, hashes m, features or landmarks m), for bernoulli the cost-matched keep probability π = (p−1)/(N−1).")
        var batchSizes: String = "2,4,8"
        @Option(help: "Comma list of at least 2 distinct time steps τ, each a finite number in (0, T] that divides T.")
        var dt: String = "0.125,0.0625,0.03125,0.015625,0.0078125,0.00390625"
        @Option(help: "Final time T, a finite number > 0.")
        var horizon: Double = 2
        @Option(help: "Checkpoints K, an integer in [1, 1024] with T/K a multiple of every τ: every error is also recorded at t = j·T/K, j = 1 … K (its profile in t, its largest value and its growth over t ≥ T/2). (default: the largest K ≤ 4 the grid allows)")
        var checkpoints: Int?
        @Option(help: "Noise σ, a finite number ≥ 0 (smooth and linear only). (default: 0.5; dyson's own √(2/(βN)) with β = 2; 0 for attention)")
        var noise: Double?
    }

    /// Trajectories, seed, threads, the reference, calibration, sharding, resuming, memory.
    struct RunOptions: ParsableArguments {
        @Option(help: "Monte Carlo trajectories, an integer in [2, 10000000].")
        var trajectories: Int = 100
        @Option(help: "Seed of all random streams, an integer in [0, 2⁶⁴ − 1].")
        var seed: UInt64 = 20_251_123
        @Option(help: "Worker threads, an integer in [1, 1024]; results do not depend on it. (default: all cores)")
        var threads: Int?
        @Option(name: .customLong("reference-refinement"), help: "Reference step = finest τ / r, r an integer in [4, 1024]; a larger r reduces the reference's own bias in the time error.")
        var referenceRefinement: Int = 8
        @Option(help: "Calibrate instead: rerun the study over R seeds (seed, seed + 1, …), R an integer in [2, 100000], and report the coverage of every printed 95% interval.")
        var calibrate: Int?
        @Option(help: "Run only shard K of N (K/N, 1 ≤ K ≤ N ≤ trajectories): trajectories K−1, K−1+N, …, into --out; combine the shards with `rbm-study merge DIR…`.")
        var shard: String?
        @Flag(help: "Continue the interrupted run whose journal is in --out (same options; --threads may differ); the report is the one an uninterrupted run gives.")
        var resume = false
        @Option(name: .customLong("max-memory"), help: "Refuse runs whose estimated peak memory exceeds this size (e.g. 16G, 512M or bytes). (default: the machine's memory)")
        var maxMemory: String?
    }

    var system: ConvergenceSystem { problem.system }
    var estimator: String? { problem.estimator.name }
    var particles: String? { problem.particles }
    var dim: Int? { problem.dim }
    var batchSizes: String { problem.batchSizes }
    var dt: String { problem.dt }
    var horizon: Double { problem.horizon }
    var checkpoints: Int? { problem.checkpoints }
    var noise: Double? { problem.noise }
    var trajectories: Int { runOptions.trajectories }
    var seed: UInt64 { runOptions.seed }
    var threads: Int? { runOptions.threads }
    var referenceRefinement: Int { runOptions.referenceRefinement }
    var calibrate: Int? { runOptions.calibrate }
    var shard: String? { runOptions.shard }
    var resume: Bool { runOptions.resume }
    var maxMemory: String? { runOptions.maxMemory }

    func run() throws {
        let (c, particleCounts) = try validatedConfiguration()
        if let counts = particleCounts, counts.count > 1 {
            try runParticleSweep(c, counts: counts)
            return
        }
        if let calibrate {
            try require(!resume, "--resume", "is not available with --calibrate (a calibration keeps no journal)")
            try require(shard == nil, "--shard", "is not available with --calibrate")
            let configuration = c
            try output.calibrate(seeds: calibrate) { progress in
                Self.timeEstimate(configuration, trajectories: configuration.trajectories, seeds: calibrate).announce()  // once the options are checked
                let result: ConvergenceCalibrationReport
                do {
                    result = try ConvergenceCalibrationReport.run(configuration, seeds: calibrate, progress: progress)
                } catch let error as NumericalLibraryError {
                    throw NumericalFailures.convergence(error, configuration: configuration)
                }
                try NumericalFailures.check(result, configuration: configuration)
                return result
            }
            return
        }
        try require(!resume || output.out != nil, "--resume", "needs the --out directory that holds the interrupted run's journal")
        let slice = try shard.map { try Shard(parsing: $0, trajectories: c.trajectories) }
        if slice != nil {
            try require(output.out != nil, "--shard", "needs --out (the shard's records go there)")
            try require(output.report == nil, "--report", "is not available with --shard (write the notebook with rbm-study merge)")
        }
        let outDirectory = try output.prepare()
        if let slice, let outDirectory {
            try require(!Journal.exists(at: outDirectory.appendingPathComponent(slice.recordsName)), "--out",
                        "'\(outDirectory.path)' already holds the finished records of shard \(slice) (\(slice.recordsName))")
        }
        let (journal, completed) = try outDirectory.map { try openJournal(in: $0, configuration: c, shard: slice) } ?? (nil, [:])
        let remaining = slice.map { $0.indices(trajectories: c.trajectories).filter { completed[$0] == nil }.count }
            ?? c.trajectories - completed.count
        Self.timeEstimate(c, trajectories: remaining).announce()
        let configuration = c
        let nonFinite = NonFiniteCounter()
        let records = RecordCollector(completed.values)
        var result: ConvergenceReport
        let record: @Sendable (TrajectoryErrors) -> Void = { errors in
            nonFinite.add(errors.nonFiniteRuns)
            if errors.nonFiniteRuns > 0 {
                journal?.remove()  // a resume would only repeat it
                failNow(NumericalFailures.convergence(nonFiniteRuns: errors.nonFiniteRuns, trajectory: errors.trajectory,
                                                      configuration: configuration))
            }
            records.add(errors)
            if let journal {
                journal.append((try? Self.recordEncoder.encode(errors)) ?? Data())
                if let error = journal.error { failNow(error) }  // the journal keeps what was written: --resume
            }
        }
        do {
            if let slice, let journal, let outDirectory {
                let indices = slice.indices(trajectories: c.trajectories).filter { completed[$0] == nil }
                _ = try ProgressReporter.run(label: "convergence shard \(slice)") { progress in
                    try ConvergenceStudy.runTrajectories(indices, configuration: c, progress: progress, record: record)
                }
                try journal.finish(as: outDirectory.appendingPathComponent(slice.recordsName))
                writeStandardError("shard \(slice): \(slice.indices(trajectories: c.trajectories).count) trajectories in \(escapedForTerminal(outDirectory.appendingPathComponent(slice.recordsName).path)); combine the shards with rbm-study merge\n")
                return
            }
            result = try ProgressReporter.run(label: "convergence") { progress in
                try ConvergenceStudy.run(c, progress: progress, record: record, completed: completed)
            }
        } catch let error as NumericalLibraryError {
            journal?.remove()
            throw NumericalFailures.convergence(error, configuration: c)
        }
        if nonFinite.total > 0 {
            journal?.remove()
            throw NumericalFailures.convergence(nonFiniteRuns: nonFinite.total, trajectory: nil, configuration: c)
        }
        result.manifest.command = commandLine.replacingOccurrences(of: " --resume", with: "")  // as the uninterrupted run
        try Self.emit(result, records: records.sorted(), configuration: c, output: output, directory: outDirectory,
                      committed: { journal?.remove() })
    }

    /// The study's configuration from the options, validated (bad input throws before any file
    /// is created), with the memory estimate checked; and the list of --particles when given.
    func validatedConfiguration() throws -> (ConvergenceConfiguration, particleCounts: [Int]?) {
        var c = ConvergenceConfiguration()
        let chosen = system
        c.system = chosen
        c.estimator = estimator
        let particleCounts = try particles.map { try parseList($0, option: "--particles") { Int($0) } }
        c.particles = particleCounts?.first ?? 64
        c.dimension = dim ?? (chosen == .dyson ? 1 : chosen == .attention ? 3 : 2)
        if chosen == .attention {
            try attention.apply(to: &c.attention)
            if attention.tokensFile != nil {
                try require(attention.beta.isFinite, "--beta", "must be a finite number in [0, 10000] (got \(attention.beta))")
                let shape = try c.attention.resolvedShape()
                try require((particleCounts?.count ?? 1) == 1, "--particles", "a list of particle counts needs generated tokens, not --tokens-file")
                c.particles = particleCounts?.first ?? shape.tokens
                c.dimension = dim ?? shape.dimension
            }
        } else {
            try attention.rejectUnlessAttention()
        }
        c.batchSizes = try parseList(batchSizes, option: "--batch-sizes") { Int($0) }
        c.timeSteps = try parseList(dt, option: "--dt") { Double($0) }
        c.horizon = horizon
        c.noise = noise
        c.trajectories = trajectories
        c.seed = seed
        c.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        c.referenceRefinement = referenceRefinement
        c.checkpoints = checkpoints
        try c.validate()
        try MemoryLimit(maxMemory).check(
            estimate: c.estimatedMemoryBytes,
            what: "N = \(c.particles), d = \(c.dimension), \(min(c.threads, c.trajectories)) trajectories at once over \(c.timeSteps.count) levels",
            advice: "use fewer --particles, a smaller --dim, fewer --threads, or fewer or coarser --dt levels")
        return (c, particleCounts)
    }

    /// `--particles N₁,N₂,…`: the study at each N (validated up front), the exponents in N, and
    /// convergence-particle-sweep.json and particle-scaling.csv in --out.
    func runParticleSweep(_ c: ConvergenceConfiguration, counts: [Int]) throws {
        try require(Set(counts).count == counts.count, "--particles", "lists a particle count twice")
        try require(calibrate == nil, "--calibrate", "is not available with a list of --particles")
        try require(shard == nil, "--shard", "is not available with a list of --particles")
        try require(!resume, "--resume", "is not available with a list of --particles")
        for n in counts {
            var each = c
            each.particles = n
            try each.validate()
            try MemoryLimit(maxMemory).check(estimate: each.estimatedMemoryBytes, what: "N = \(n), d = \(each.dimension)",
                                             advice: "use smaller --particles, fewer --threads, or fewer or coarser --dt levels")
        }
        let estimates = counts.map { n in
            var each = c
            each.particles = n
            return Self.timeEstimate(each, trajectories: c.trajectories)
        }
        TimeEstimate(seconds: estimates.reduce(0) { $0 + $1.seconds }, threads: estimates[0].threads,
                     what: "the study at N = \(counts.map(String.init).joined(separator: ", ")), N² pair interactions per step each").announce()
        let outDirectory = try output.prepare()
        var result: ParticleSweepReport
        do {
            result = try ProgressReporter.run(label: "convergence N sweep", unit: "particle counts") { progress in
                try ParticleScalingStudy.run(c, particleCounts: counts, progress: progress)
            }
        } catch let error as NumericalLibraryError {
            throw NumericalFailures.convergence(error, configuration: c)
        }
        if let (n, first) = result.reports.lazy.compactMap({ r in r.nonFiniteStatistics().first.map { (r.problem.particles, $0) } }).first {
            throw NumericalFailure("the N sweep produced a statistic that is not finite at N = \(n) (\(first)); the dynamics overflowed or decayed to exactly 0: use a smaller --dt, a shorter --horizon or fewer --particles")
        }
        result.manifest.command = commandLine
        let json = try result.json()
        try output.emit(json: json, table: result.table(), tables: result.tidyTables(),
                        files: [("convergence-particle-sweep.json", json)],
                        directory: outDirectory, warnings: result.warnings) {
            try ParticleSweepNotebook.write(result, to: $0, plotFormats: output.plotFormats)
        }
    }

    /// The up-front time estimate of `trajectories` trajectories of `c` at each of `seeds` seeds
    /// (``ConvergenceConfiguration/pairInteractionsPerTrajectory`` each).
    static func timeEstimate(_ c: ConvergenceConfiguration, trajectories: Int, seeds: Int = 1) -> TimeEstimate {
        let pairs = c.pairInteractionsPerTrajectory * Double(trajectories) * Double(seeds)
        let what = String(format: "%.1e", pairs) + " pair interactions: N² = \(c.particles)² per step over \(c.steps(of: c.referenceStep)) reference steps and \(c.timeSteps.count) levels of \(c.batchSizes.count + 1) systems, \(trajectories) trajectories" + (seeds > 1 ? " × \(seeds) seeds" : "")
        return TimeEstimate(pairs: pairs, dimension: c.system == .dyson ? 1 : c.dimension, attention: c.system == .attention,
                            threads: c.threads, parallelUnits: trajectories * seeds,
                            unitsPerSecond: c.system == .dyson ? Self.dysonUnitsPerSecond : TimeEstimate.unitsPerSecond, what: what)
    }

    /// Work units per second per thread of the implicit Dyson split step, counted in the explicit
    /// step's pair interactions: each step runs 2–4 Newton iterations of an O(N²) gradient and
    /// Hessian plus conjugate-gradient products. Measured on the default dyson run (2.2·10⁹ pair
    /// interactions, 1.1·10¹⁰ units, about 55 s of CPU on 2 shared cores): ≈ 2·10⁸, a sixth of
    /// the explicit rate.
    static let dysonUnitsPerSecond = 2e8

    /// The report's artifacts (JSON, levels, fits, floors, trajectories in trajectory order),
    /// stdout and the notebook: the same for a run, a resumed run and merged shards. A report with
    /// a statistic that is not finite is a ``NumericalFailure`` (exit 3), before anything is written.
    static func emit(_ result: ConvergenceReport, records: [TrajectoryErrors], configuration c: ConvergenceConfiguration,
                     output: OutputOptions, directory outDirectory: URL?, committed: () -> Void) throws {
        do { try NumericalFailures.check(result, configuration: c) } catch {
            committed()  // every record is in: a resume would only assemble the same numbers
            throw error
        }
        let trajectoriesCSV = TrajectoryErrors.csvHeader + "\n" + records.map { $0.csvLines(configuration: c) + "\n" }.joined()
        let files: [(name: String, contents: Data)] = [("convergence.json", try result.json()), ("trajectories.csv", Data(trajectoriesCSV.utf8))]
        let system = c.system
        try output.emit(json: try result.json(), table: result.table(), tables: result.tidyTables(), files: files,
                        directory: outDirectory, stale: ["floors.csv", "time-profiles.csv", "semicircle.csv"], warnings: result.warnings, committed: committed) { url in
            if system == .attention {
                writeStandardError("running the notebook's companion experiments (other normalisation, bias against p, clustering)\n")
                try AttentionDynamicsNotebook.write(result, to: url, plotFormats: output.plotFormats)
            } else if system == .dyson {
                writeStandardError("running the notebook's companion sweep (the exact system's W₁ to the semicircle at N = \(DysonNotebook.sweepParticles.map(String.init).joined(separator: ", ")))\n")
                try DysonNotebook.write(result, to: url, plotFormats: output.plotFormats)
            } else {
                try ConvergenceNotebook.write(result, to: url, plotFormats: output.plotFormats)
            }
        }
    }

    static let recordEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    /// The journal header: its format and the full configuration.
    struct JournalHeader: Codable {
        var format = "rbm-study/convergence-journal/1"
        var configuration: ConvergenceConfiguration
        /// "K/N" for a shard's journal (absent for a whole run).
        var shard: String? = nil
        /// The command line of a shard without --shard, --out and --resume (the merged manifest's).
        var command: String? = nil
    }

    /// Options for the configuration keys a journal records (for "what differs" messages).
    static let optionNames: [String: String] = [
        "configuration.system": "--system", "configuration.estimator": "--estimator", "configuration.particles": "--particles",
        "configuration.dimension": "--dim", "configuration.batchSizes": "--batch-sizes", "configuration.timeSteps": "--dt",
        "configuration.horizon": "--horizon", "configuration.noise": "--noise", "configuration.trajectories": "--trajectories",
        "configuration.seed": "--seed", "configuration.referenceRefinement": "--reference-refinement",
        "configuration.attention.beta": "--beta", "configuration.attention.normalization": "--normalization",
        "configuration.attention.geometry": "--geometry", "configuration.attention.tokenDistribution": "--tokens",
        "configuration.attention.tokensFile": "--tokens-file", "configuration.attention.maps": "--maps",
        "configuration.attention.mapsFile": "--maps-file", "configuration.attention.tokens": "--particles",
        "configuration.attention.dimension": "--dim", "format": "the journal format", "shard": "--shard"]

    /// The command line without --shard K/N, --out DIR and --resume.
    static func shardlessCommand() -> String {
        var words = Array(CommandLine.arguments.dropFirst())
        var k = 0
        while k < words.count {
            let word = words[k]
            if word == "--resume" { words.remove(at: k); continue }
            if word == "--shard" || word == "--out" { words.removeSubrange(k..<min(k + 2, words.count)); continue }
            if word.hasPrefix("--shard=") || word.hasPrefix("--out=") { words.remove(at: k); continue }
            k += 1
        }
        return (["rbm-study"] + words).joined(separator: " ")
    }

    /// The run's journal in `directory`: a new one, or with --resume the interrupted run's, with
    /// its records (bad input when it is missing, or was written for another configuration).
    func openJournal(in directory: URL, configuration c: ConvergenceConfiguration,
                     shard: Shard? = nil) throws -> (Journal?, [Int: TrajectoryErrors]) {
        let url = directory.appendingPathComponent("convergence.journal")
        let header = try Self.recordEncoder.encode(JournalHeader(configuration: c, shard: shard?.description,
                                                                 command: shard.map { _ in Self.shardlessCommand() }))
        let (journal, lines) = try openRunJournal(in: directory, name: "convergence.journal", header: header, resume: resume,
                                                  optionNames: Self.optionNames, ignoring: ["threads", "command"])
        guard resume else { return (journal, [:]) }
        var completed: [Int: TrajectoryErrors] = [:]
        let decoder = JSONDecoder()
        for (k, line) in lines.enumerated() {
            guard let record = try? decoder.decode(TrajectoryErrors.self, from: line), record.trajectory >= 0,
                  record.trajectory < c.trajectories, record.timeSquared.count == c.timeSteps.count,
                  record.strongSquared.count == c.batchSizes.count, record.strongSquared.allSatisfy({ $0.count == c.timeSteps.count }) else {
                throw InvalidInput(option: "--resume", "line \(k + 2) of \(url.path) is not a trajectory record of this run; delete the journal to start over")
            }
            guard shard.map({ $0.contains(record.trajectory) }) ?? true else {
                throw InvalidInput(option: "--resume", "line \(k + 2) of \(url.path) holds trajectory \(record.trajectory), not of shard \(shard!); delete the journal to start over")
            }
            if completed[record.trajectory] == nil { completed[record.trajectory] = record }
        }
        writeStandardError("resuming: \(completed.count) of \(c.trajectories) trajectories are in the journal\n")
        return (journal, completed)
    }
}
