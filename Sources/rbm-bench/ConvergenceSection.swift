import Foundation
import NumericsCore
import Studies

/// Section `convergence`: the default `rbm-study convergence` study (N = 64, d = 2, p = 2, 4, 8,
/// six levels, 100 trajectories) on all cores, wall and CPU seconds. Its limit is the exact drift:
/// per trajectory the Euler–Maruyama reference at h plus full Euler–Maruyama at every level τ,
/// M·(T/h + Σ_τ T/τ)·N(N−1) pair interactions, at the c/√(1+a) rate measured in the same run on
/// the same threads; `fractionOfLimit` = (that time) / wall. The exact drift evaluates each unordered
/// pair once (Newton's third law, ``ExactInteractionSum``), so the fraction can exceed 1 (up to 2).
/// The same under quick (the study is the figure).
enum ConvergenceSection {
    static func run(_ scale: BenchScale) throws -> [BenchFigure] {
        var configuration = ConvergenceConfiguration()
        configuration.threads = availableCores
        let limit = MachinePeak.sqrtDivPerSecond(threads: configuration.threads, quick: scale.quick)
        let cpuStart = processCPUSeconds()
        let wall = try seconds { _ = try ConvergenceStudy.run(configuration) }
        let cpu = processCPUSeconds() - cpuStart
        let n = Double(configuration.particles), h = configuration.referenceStep, horizon = configuration.horizon
        let steps = (horizon / h).rounded() + configuration.timeSteps.reduce(0) { $0 + (horizon / $1).rounded() }
        let pairs = Double(configuration.trajectories) * steps * n * (n - 1)
        let limitSeconds = pairs / limit
        return [
            BenchFigure("threads", Double(configuration.threads), "threads"),
            BenchFigure("wallSeconds", wall, "s"),
            BenchFigure("cpuSeconds", cpu, "s"),
            BenchFigure("parallelEfficiency", cpu / (wall * Double(configuration.threads)), "fraction (CPU / (wall × threads))"),
            BenchFigure("exactDriftPairs", pairs, "pair interactions"),
            BenchFigure("limit", limit, "pairs/s (c/√(1+a) per second, all threads)"),
            BenchFigure("driftLimitSeconds", limitSeconds, "s"),
            BenchFigure("fractionOfLimit", limitSeconds / wall, "fraction"),
        ]
    }
}
