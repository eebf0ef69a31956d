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

    @OptionGroup(title: "Particle system options") var problem: ProblemOptions
    @OptionGroup(title: "Sampling options") var sampling: SamplingOptions
    @OptionGroup(title: "Run options") var runOptions: RunOptions
    @OptionGroup(title: outputOptionsTitle) var output: OutputOptions

    /// The system, N, d, the batch size, the τ grid, T and σ.
    struct ProblemOptions: ParsableArguments {
        @Option(help: "The system: linear (closed forms and exact moment recursions) or smooth.")
        var system: SmoothParticleSystem = .linear
        @Option(help: "Number of particles N, an integer in [2, 4096].")
        var particles: Int = 32
        @Option(help: "Dimension d, an integer in [1, 16]; d > 1 uses the sliced W₂.")
        var dim: Int = 1
        @Option(name: .customLong("batch-size"), help: "RBM-r batch size p, an integer in [2, N].")
        var batchSize: Int = 2
        @Option(help: "Comma list of at least 2 distinct time steps τ, each a finite number in (0, T] that divides T and is a multiple of the reference step.")
        var dt: String = "0.25,0.125,0.0625,0.03125"
        @Option(help: "Final time T, a finite number in (0, 1000].")
        var horizon: Double = 1
        @Option(help: "Noise σ, a finite number in [0, 100]; 0 is the no-diffusion case. (default: 0.5)")
        var noise: Double?
    }

    /// The trajectories, their groups, the sliced-W₂ frames and the exact system's step.
    struct SamplingOptions: ParsableArguments {
        @Option(help: "Independent trajectories M, an integer in [4, 10000000].")
        var trajectories: Int = 2_000
        @Option(help: "Groups G of trajectories whose pooled particles form the empirical measures, an integer in [2, M/2] dividing M.")
        var groups: Int = 20
        @Option(help: "Random orthonormal frames of the sliced W₂ when d > 1, an integer in [1, 256].")
        var frames: Int = 8
        @Option(name: .customLong("reference-refinement"), help: "The exact system is Euler–Maruyama at finest τ / r, r an integer in [2, 64].")
        var referenceRefinement: Int = 8
    }

    /// Seed, threads, calibration, memory.
    struct RunOptions: ParsableArguments {
        @Option(help: "Seed of all random streams, an integer in [0, 2⁶⁴ − 1].")
        var seed: UInt64 = 20_251_207
        @Option(help: "Worker threads, an integer in [1, 1024]; results do not depend on it. (default: all cores)")
        var threads: Int?
        @Option(help: "Calibrate instead: rerun the study over R seeds (seed, seed + 1, …), R an integer in [2, 100000], and report the coverage of every printed 95% interval.")
        var calibrate: Int?
        @Option(name: .customLong("max-memory"), help: "Refuse runs whose estimated peak memory exceeds this size (e.g. 16G, 512M or bytes). (default: the machine's memory)")
        var maxMemory: String?
    }

    var system: SmoothParticleSystem { problem.system }
    var particles: Int { problem.particles }
    var dim: Int { problem.dim }
    var batchSize: Int { problem.batchSize }
    var dt: String { problem.dt }
    var horizon: Double { problem.horizon }
    var noise: Double? { problem.noise }
    var trajectories: Int { sampling.trajectories }
    var groups: Int { sampling.groups }
    var frames: Int { sampling.frames }
    var referenceRefinement: Int { sampling.referenceRefinement }
    var seed: UInt64 { runOptions.seed }
    var threads: Int? { runOptions.threads }
    var calibrate: Int? { runOptions.calibrate }
    var maxMemory: String? { runOptions.maxMemory }

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
        try output.emit(json: try report.json(), table: report.table(), tables: report.tidyTables(),
                        files: [("distributional.json", try report.json())],
                        directory: outDirectory, warnings: []) {
            try DistributionalNotebook.write(report, to: $0, plotFormats: output.plotFormats)
        }
    }
}
