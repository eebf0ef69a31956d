import ArgumentParser
import Foundation
import Reports
import Studies

struct LongTime: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "long-time",
        abstract: "Long-time sampling error of RBM on the linear system: time averages and the law at large t against the invariant measure, by τ and p.",
        discussion: """
        For each batch size p and step τ, R independent trajectories run --burn-in B, then average \
        f = (1/N)Σ‖Xᵢ‖² over --averaging-time L. The mean of the R time averages ± SE is compared \
        with the exact expected time average of the scheme (an exact moment recursion: the \
        interval's target) and with the invariant measure's closed form m∞ (the sampling error); \
        the order of the sampling error is fitted against τ beside Ye–Zhou's O(√τ + e^{−λt}) \
        (arXiv 2206.02166). Results do not depend on --threads.
        """)

    @OptionGroup(title: "Particle system options") var problem: ProblemOptions
    @OptionGroup(title: "Sampling options") var sampling: SamplingOptions
    @OptionGroup(title: "Run options") var runOptions: RunOptions
    @OptionGroup(title: outputOptionsTitle) var output: OutputOptions

    /// N, d, the batch sizes, the τ grid and σ of the linear system.
    struct ProblemOptions: ParsableArguments {
        @Option(help: "Number of particles N, an integer in [2, 4096].")
        var particles: Int = 32
        @Option(help: "Dimension d, an integer in [1, 16].")
        var dim: Int = 1
        @Option(name: .customLong("batch-sizes"), help: "Comma list of distinct batch sizes p, each an integer in [2, N] dividing N.")
        var batchSizes: String = "2,4,8"
        @Option(help: "Comma list of at least 2 distinct time steps τ, each a finite number in (0, 1) with B and L multiples of each.")
        var dt: String = "0.2,0.1,0.05,0.025"
        @Option(help: "Noise σ, a finite number in (0, 100]. (default: 0.5)")
        var noise: Double?
    }

    /// Burn-in, averaging time and trajectories per (p, τ).
    struct SamplingOptions: ParsableArguments {
        @Option(name: .customLong("burn-in"), help: "Burn-in time B before averaging, a finite number in [0, 10000].")
        var burnIn: Double = 5
        @Option(name: .customLong("averaging-time"), help: "Averaging time L, a finite number in (0, 100000].")
        var averagingTime: Double = 20
        @Option(help: "Independent trajectories R per (p, τ), an integer in [4, 1000000].")
        var trajectories: Int = 64
    }

    /// Seed, threads, calibration.
    struct RunOptions: ParsableArguments {
        @Option(help: "Seed of all random streams, an integer in [0, 2⁶⁴ − 1].")
        var seed: UInt64 = 20_251_207
        @Option(help: "Worker threads, an integer in [1, 1024]; results do not depend on it. (default: all cores)")
        var threads: Int?
        @Option(help: "Calibrate instead: rerun the study over R seeds (seed, seed + 1, …), R an integer in [2, 100000], and report the coverage of every printed 95% interval.")
        var calibrate: Int?
    }

    var particles: Int { problem.particles }
    var dim: Int { problem.dim }
    var batchSizes: String { problem.batchSizes }
    var dt: String { problem.dt }
    var noise: Double? { problem.noise }
    var burnIn: Double { sampling.burnIn }
    var averagingTime: Double { sampling.averagingTime }
    var trajectories: Int { sampling.trajectories }
    var seed: UInt64 { runOptions.seed }
    var threads: Int? { runOptions.threads }
    var calibrate: Int? { runOptions.calibrate }

    func run() throws {
        var c = LongTimeConfiguration()
        c.particles = particles
        c.dimension = dim
        c.batchSizes = try parseList(batchSizes, option: "--batch-sizes") { Int($0) }
        c.timeSteps = try parseList(dt, option: "--dt") { Double($0) }
        c.burnIn = burnIn
        c.averagingTime = averagingTime
        c.noise = noise
        c.trajectories = trajectories
        c.seed = seed
        c.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        try c.validate()
        if let calibrate {
            let configuration = c
            try output.calibrate(seeds: calibrate) { progress in
                try LongTimeCalibrationReport.run(configuration, seeds: calibrate, progress: progress)
            }
            return
        }
        let outDirectory = try output.prepare()
        var report = try ProgressReporter.run(label: "long-time", unit: "runs") { progress in
            try LongTimeSamplingStudy.run(c, progress: progress)
        }
        report.manifest.command = commandLine
        try output.emit(json: try report.json(), table: report.table(), tables: report.tidyTables(),
                        files: [("long-time.json", try report.json())],
                        directory: outDirectory, warnings: []) {
            try LongTimeNotebook.write(report, to: $0, plotFormats: output.plotFormats)
        }
    }
}
