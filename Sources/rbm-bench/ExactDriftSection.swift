import Estimators
import NumericsCore
import ParticleSystems

/// Section `exact-drift`: the exact O(N²) interaction sum of the smooth kernel in pair interactions
/// per second (N(N−1) ordered pairs per evaluation), at d = 2, 3, 16 on 1 and 2 threads, N = 16 384
/// (4096 under quick), as a fraction of the c/√(1+a) throughput measured on the same thread count
/// immediately before and after it (interleaved; the larger of the two, and the best of the
/// drift's repeats: the least-disturbed runs, since a busy machine lowers either). The headline figures (`pairsPerSecond.threadsT`,
/// `fractionOfLimit`) are d = 3. At d = 16 arithmetic (about 5·d operations per pair) rather than
/// the square root and division bounds a pair, so its fraction of this limit is low by construction.
enum ExactDriftSection {
    static let headlineDimension = 3

    static func run(_ scale: BenchScale) -> [BenchFigure] {
        var figures: [BenchFigure] = []
        let n = scale.pick(full: 16_384, quick: 4096)
        figures.append(BenchFigure("particles", Double(n), "N"))
        for d in [2, 3, 16] {
            for threads in benchThreadCounts {
                var limit = MachinePeak.sqrtDivPerSecond(threads: threads, quick: scale.quick)
                let rate = pairsPerSecond(particles: n, dimension: d, threads: threads, repeats: scale.pick(full: 7, quick: 5))
                limit = max(limit, MachinePeak.sqrtDivPerSecond(threads: threads, quick: scale.quick))
                let fraction = rate / limit
                figures.append(BenchFigure("limit.d\(d).threads\(threads)", limit, "pairs/s (c/√(1+a) per second)"))
                figures.append(BenchFigure("pairsPerSecond.d\(d).threads\(threads)", rate, "pairs/s"))
                figures.append(BenchFigure("fractionOfLimit.d\(d).threads\(threads)", fraction, "fraction"))
                if d == headlineDimension {
                    figures.append(BenchFigure("pairsPerSecond.threads\(threads)", rate, "pairs/s"))
                    if threads == 2 { figures.append(BenchFigure("fractionOfLimit", fraction, "fraction")) }
                }
            }
        }
        return figures
    }

    /// Best over `repeats` of one exact evaluation (after a warm-up), as N(N−1)/seconds.
    static func pairsPerSecond(particles n: Int, dimension d: Int, threads: Int, repeats: Int) -> Double {
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: nil)
        var x = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 1, purpose: .initialCondition).fillGaussian(&x)
        var y = [Double](repeating: 0, count: n * d)
        let workspace = EstimatorWorkspace(particles: n)
        let stream = RandomStream(seed: 1, purpose: .estimatorDraws)
        let estimator = ExactInteractionSum(threads: threads)
        func evaluate() {
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    estimator.estimate(interaction: problem.interaction, positions: px, particles: n, dimension: d,
                                       into: py, workspace: workspace, stream: stream)
                }
            }
        }
        evaluate()
        return Double(n) * Double(n - 1) / timings(repeats: repeats, evaluate).best
    }
}
