import ArgumentParser
import Foundation
import Reports
import ParticleSystems
import Studies

struct Distributional: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "distributional",
        abstract: "RBM with replacement against the exact system in law: weak errors and (sliced) Wasserstein-2 distances against the time step.",
        discussion: """
        RBM-r moves particles at random times, so it cannot share Brownian increments with the \
        exact system; this study compares their laws at T instead. Weak errors of (1/N)Σ‖Xᵢ‖², \
        the mean and (1/N)Σexp(−‖Xᵢ‖²/2) with SEs (on linear also the exact expected RBM-r \
        error); W₂ between the pooled one-particle empirical measures of RBM-r and of the exact \
        system (exact by sorting in d = 1, sliced with --frames keyed random orthonormal frames \
        in d > 1), with the finite-sample floor W₂(exact′, exact) of two independent exact \
        samples subtracted per group; fitted orders beside Cai–Liu–Wang's (arXiv 2407.19315) \
        bound orders 1/4 (σ > 0) and 1/2 (σ = 0). Results do not depend on --threads.
        """)

    @Option(help: "System: linear (closed forms) or smooth.")
    var system: SmoothParticleSystem = .linear
    @Option(help: "Number of particles N (2–4096).")
    var particles: Int = 32
    @Option(help: "Dimension d (1–16; d > 1 uses the sliced W₂).")
    var dim: Int = 1
    @Option(name: .customLong("batch-size"), help: "RBM-r batch size p (2–N).")
    var batchSize: Int = 2
    @Option(help: "Comma list of time steps τ (≥ 2; T a multiple of each).")
    var dt: String = "0.25,0.125,0.0625,0.03125"
    @Option(help: "Horizon T (0, 1000].")
    var horizon: Double = 1
    @Option(help: "Noise σ ≥ 0 (default 0.5; 0 is the no-diffusion case).")
    var noise: Double?
    @Option(name: .customLong("reference-refinement"), help: "The exact system is Euler–Maruyama at finest τ / r (2–64).")
    var referenceRefinement: Int = 8
    @Option(help: "Independent trajectories M (4–10⁷).")
    var trajectories: Int = 2_000
    @Option(help: "Groups G of trajectories whose pooled particles form the empirical measures (2–M/2, dividing M).")
    var groups: Int = 20
    @Option(help: "Random orthonormal frames of the sliced W₂ when d > 1 (1–256).")
    var frames: Int = 8
    @Option(help: "Seed of all random streams (64-bit).")
    var seed: UInt64 = 20_251_207
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?
    @Option(name: .customLong("max-memory"), help: "Refuse runs whose estimated peak memory exceeds this (e.g. 16G; default: the machine's memory).")
    var maxMemory: String?
    @Option(help: "Calibrate instead: rerun the study over this many seeds (seed, seed + 1, …) and report the coverage of every 95% interval (2–100000).")
    var calibrate: Int?
    @OptionGroup var output: OutputOptions

    func run() throws {
        var c = DistributionalConfiguration()
        c.system = system
        c.particles = particles
        c.dimension = dim
        c.batchSize = batchSize
        c.timeSteps = try parseList(dt, option: "--dt") { Double($0) }
        c.horizon = horizon
        c.noise = noise
        c.referenceRefinement = referenceRefinement
        c.trajectories = trajectories
        c.groups = groups
        c.frames = frames
        c.seed = seed
        c.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        try c.validate()
        // The final states of every trajectory: (2 + K)·M·N·d doubles, twice over while pooling.
        let bytes = 2.0 * Double(2 + c.timeSteps.count) * Double(c.trajectories) * Double(c.particles * c.dimension) * 8
        try MemoryLimit(maxMemory).check(estimate: bytes, what: "the final states of every trajectory",
                                         advice: "use fewer --trajectories or --particles")
        if let calibrate {
            let configuration = c
            try output.calibrate(seeds: calibrate) { progress in
                try DistributionalCalibrationReport.run(configuration, seeds: calibrate, progress: progress)
            }
            return
        }
        let outDirectory = try output.prepare()
        var report = try ProgressReporter.run(label: "distributional") { progress in
            try DistributionalStudy.run(c, progress: progress)
        }
        report.manifest.command = commandLine
        try output.emit(json: try report.json(), table: report.table(), csv: report.weakCSV(),
                        artifacts: [("distributional.json", try report.json()), ("weak.csv", Data(report.weakCSV().utf8)),
                                    ("distances.csv", Data(report.distancesCSV().utf8))],
                        directory: outDirectory, warnings: []) {
            try DistributionalNotebook.write(report, to: $0, plotFormats: output.plotFormats)
        }
    }
}
