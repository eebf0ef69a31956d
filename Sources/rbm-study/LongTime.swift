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

    @Option(help: "Number of particles N (2–4096).")
    var particles: Int = 32
    @Option(help: "Dimension d (1–16).")
    var dim: Int = 1
    @Option(name: .customLong("batch-sizes"), help: "Comma list of batch sizes p (each dividing N).")
    var batchSizes: String = "2,4,8"
    @Option(help: "Comma list of time steps τ in (0, 1) (≥ 2; B and L multiples of each).")
    var dt: String = "0.2,0.1,0.05,0.025"
    @Option(name: .customLong("burn-in"), help: "Burn-in time B ≥ 0 before averaging.")
    var burnIn: Double = 5
    @Option(name: .customLong("averaging-time"), help: "Averaging time L > 0.")
    var averagingTime: Double = 20
    @Option(help: "Noise σ > 0 (default 0.5).")
    var noise: Double?
    @Option(help: "Independent trajectories R per (p, τ) (4–10⁶).")
    var trajectories: Int = 64
    @Option(help: "Seed of all random streams (64-bit).")
    var seed: UInt64 = 20_251_207
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?
    @Option(help: "Calibrate instead: rerun the study over this many seeds (seed, seed + 1, …) and report the coverage of every 95% interval (2–100000).")
    var calibrate: Int?
    @OptionGroup var output: OutputOptions

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
        try output.emit(json: try report.json(), table: report.table(), csv: report.rowsCSV(),
                        artifacts: [("long-time.json", try report.json()), ("rows.csv", Data(report.rowsCSV().utf8))],
                        directory: outDirectory, warnings: []) {
            try LongTimeNotebook.write(report, to: $0, plotFormats: output.plotFormats)
        }
    }
}
