import ArgumentParser
import Foundation
import Estimators
import NumericsCore
import AttentionAsDynamics
import ParticleSystems
import Studies

struct Convergence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Strong, weak, batch and time-discretisation error of RBM versus time step, with fitted orders.",
        discussion: """
        The full system and RBM share initial data and Brownian increments; batch partitions use \
        their own stream. The reference is Euler–Maruyama at (finest dt)/4 on the same Brownian \
        path (σ > 0) or GSL's adaptive rk8pd (σ = 0). Orders are fitted by GLS with the \
        cross-level covariance and checked with a trajectory bootstrap.
        """)

    @Option(help: "System: smooth, linear, dyson (particle problems) or attention (tokens as particles).")
    var system: String = "smooth"
    @Option(help: "Approximate estimator: random-batch (particle systems; or another interaction-sum estimator with an integer size) or rba / rba-corrected (attention). Default: random-batch or rba.")
    var estimator: String?
    @Option(help: "Number of particles (tokens) N (≥ 2; default 64, or the token file's).")
    var particles: Int?
    @Option(help: "Dimension d (default 2, attention 3; dyson is one-dimensional).")
    var dim: Int?
    @OptionGroup var attention: AttentionOptions
    @Option(name: .customLong("batch-sizes"), help: "Comma-separated batch sizes p, each in [2, N]; for other estimators their integer size (samples c, hashes m, features m), or for Bernoulli the cost-matched keep probability π = (p−1)/(N−1).")
    var batchSizes: String = "2,4,8"
    @Option(help: "Comma-separated time steps τ (default 2^-3 … 2^-8).")
    var dt: String = "0.125,0.0625,0.03125,0.015625,0.0078125,0.00390625"
    @Option(help: "Final time T.")
    var horizon: Double = 2
    @Option(help: "Noise σ (default: the system's own, 0.5 for smooth and linear).")
    var noise: Double?
    @Option(help: "Monte Carlo trajectories (≥ 2).")
    var trajectories: Int = 100
    @Option(help: "Seed of all random streams (64-bit).")
    var seed: UInt64 = 20_251_123
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?
    @Option(name: .customLong("reference-refinement"), help: "Reference step = finest dt / this (≥ 4). Larger values reduce the reference's own bias in the time error.")
    var referenceRefinement: Int = 8
    @Option(help: "Calibrate instead: rerun the study over this many seeds (seed, seed + 1, …) and report the coverage of every printed 95% interval (≥ 2).")
    var calibrate: Int?
    @Option(name: .customLong("max-memory"), help: "Refuse runs whose estimated peak memory exceeds this (e.g. 16G; default: the machine's memory).")
    var maxMemory: String?
    @OptionGroup var output: OutputOptions

    func run() throws {
        var c = ConvergenceConfiguration()
        guard let chosen = ConvergenceSystem(rawValue: system) else {
            throw InvalidInput(option: "--system", "must be one of \(ConvergenceSystem.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(system)')")
        }
        c.system = chosen
        c.estimator = estimator
        c.particles = particles ?? 64
        c.dimension = dim ?? (chosen == .dyson ? 1 : chosen == .attention ? 3 : 2)
        if chosen == .attention {
            try attention.apply(to: &c.attention)
            if attention.tokensFile != nil {
                try require(attention.beta.isFinite, "--beta", "must be a finite number in [0, 10000] (got \(attention.beta))")
                let shape = try c.attention.resolvedShape()
                c.particles = particles ?? shape.tokens
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
        try c.validate()
        try MemoryLimit(maxMemory).check(
            estimate: c.estimatedMemoryBytes,
            what: "N = \(c.particles), d = \(c.dimension), \(min(c.threads, c.trajectories)) trajectories at once over \(c.timeSteps.count) levels",
            advice: "use fewer --particles, a smaller --dim, fewer --threads, or fewer or coarser --dt levels")
        if let calibrate {
            try runCalibration(c, seeds: calibrate)
            return
        }
        let outDirectory = try output.prepare()
        let stream = try outDirectory.map {
            try StreamingLineFile($0.appendingPathComponent("trajectories.csv"), header: "trajectory,kind,batchSize,dt,value")
        }
        let configuration = c
        let nonFinite = NonFiniteCounter()
        var result: ConvergenceReport
        do {
            result = try ProgressReporter.run(label: "convergence") { progress in
                try ConvergenceStudy.run(c, progress: progress, record: { errors in
                    nonFinite.add(errors.nonFiniteRuns)
                    if errors.nonFiniteRuns > 0 {
                        failNow(NumericalFailures.convergence(nonFiniteRuns: errors.nonFiniteRuns, trajectory: errors.trajectory,
                                                              configuration: configuration))
                    }
                    stream?.append(errors.csvLines(configuration: configuration))
                    if let error = stream?.error { failNow(error) }
                })
            }
        } catch let error as NumericalLibraryError {
            throw NumericalFailures.convergence(error, configuration: c)
        }
        if nonFinite.total > 0 { throw NumericalFailures.convergence(nonFiniteRuns: nonFinite.total, trajectory: nil, configuration: c) }
        if let error = stream?.error { throw error }
        result.manifest.command = commandLine
        var artifacts: [(name: String, contents: Data)] = [
            ("convergence.json", try result.json()), ("levels.csv", Data(result.levelsCSV().utf8)), ("fits.csv", Data(result.fitsCSV().utf8))]
        if !result.floors.isEmpty { artifacts.append(("floors.csv", Data(result.floorsCSV().utf8))) }
        let system = c.system
        try output.emit(json: try result.json(), table: result.table(), csv: result.levelsCSV(), artifacts: artifacts,
                        directory: outDirectory, stream: stream, stale: ["floors.csv"], warnings: result.warnings) { url in
            if system == .attention {
                writeStandardError("running the notebook's companion experiments (other normalisation, bias against p, clustering)\n")
                try AttentionDynamicsNotebook.write(result, to: url)
            } else {
                try ConvergenceNotebook.write(result, to: url)
            }
        }
    }

    /// `--calibrate R`: the coverage of every interval over R seeds.
    func runCalibration(_ c: ConvergenceConfiguration, seeds: Int) throws {
        try require(seeds >= 2 && seeds <= 100_000, "--calibrate", "must be an integer in [2, 100000] (got \(seeds))")
        try require(output.report == nil, "--report", "is not available with --calibrate (the calibration prints its own table)")
        let outDirectory = try output.prepare()
        var result: ConvergenceCalibrationReport
        do {
            result = try ProgressReporter.run(label: "calibrate") { progress in
                try ConvergenceCalibrationReport.run(c, seeds: seeds, progress: progress)
            }
        } catch let error as NumericalLibraryError {
            throw NumericalFailures.convergence(error, configuration: c)
        }
        try NumericalFailures.check(result, configuration: c)
        result.manifest.command = commandLine
        let json = try result.json()
        try output.emit(json: json, table: result.table(), csv: result.coverageCSV(),
                        artifacts: [("calibration.json", json), ("calibration.csv", Data(result.coverageCSV().utf8))],
                        directory: outDirectory, warnings: []) { _ in }
    }
}
