import Estimators
import NumericsCore
import ParticleSystems

/// Section `exact-drift`: the exact O(N²) interaction sum of the smooth kernel in pair interactions
/// per second (N(N−1) ordered pairs per evaluation), at d = 2, 3, 16 on 1 and 2 threads, N = 16 384
/// (4096 under quick), as a fraction of the c/√(1+a) throughput measured on the same thread count
/// immediately before and after it (interleaved; the larger of the two, and the best of the
/// drift's repeats: the least-disturbed runs, since a busy machine lowers either). The headline figures (`pairsPerSecond.threadsT`,
/// `fractionOfLimit`) are d = 3. The exact sum uses Newton's third law (one c/√(1+a) per unordered
/// pair, so up to 2 ordered pairs per unit of the limit: a fraction of up to 2). At d = 16 arithmetic
/// rather than the square root and division bounds a pair: the fused kernel that runs above d = 8
/// spends per coordinate and vector of 8 unordered pairs about 3 fused multiply-adds, 2 subtractions
/// and 1.5 lane rotations (about 6.5·d vector operations per 16 ordered pairs), against 6·d per 8
/// ordered pairs of the per-target sums without fused multiply-add.
///
/// `newtonSpeedup.dD` compares, on one thread in the same run, the exact sum with the per-target
/// sums it replaced (``PairInteraction/exactSums(targets:count:positions:dimension:weight:into:)``,
/// every ordered pair evaluated, no fused multiply-add). `…n64.d2` does the same at the size of the
/// default studies (N = 64, d = 2), timing 2000 evaluations at a time.
enum ExactDriftSection {
    static let headlineDimension = 3

    static func run(_ scale: BenchScale) -> [BenchFigure] {
        var figures: [BenchFigure] = []
        let n = scale.pick(full: 16_384, quick: 4096)
        let repeats = scale.pick(full: 7, quick: 5)
        figures.append(BenchFigure("particles", Double(n), "N"))
        for d in [2, 3, 16] {
            for threads in benchThreadCounts {
                var limit = MachinePeak.sqrtDivPerSecond(threads: threads, quick: scale.quick)
                let rate = pairsPerSecond(particles: n, dimension: d, threads: threads, repeats: repeats)
                limit = max(limit, MachinePeak.sqrtDivPerSecond(threads: threads, quick: scale.quick))
                let fraction = rate / limit
                figures.append(BenchFigure("limit.d\(d).threads\(threads)", limit, "pairs/s (c/√(1+a) per second)"))
                figures.append(BenchFigure("pairsPerSecond.d\(d).threads\(threads)", rate, "pairs/s"))
                figures.append(BenchFigure("fractionOfLimit.d\(d).threads\(threads)", fraction, "fraction"))
                if d == headlineDimension {
                    figures.append(BenchFigure("pairsPerSecond.threads\(threads)", rate, "pairs/s"))
                    if threads == 2 { figures.append(BenchFigure("fractionOfLimit", fraction, "fraction")) }
                }
                if threads == 1 {
                    let perTarget = pairsPerSecond(particles: n, dimension: d, threads: 1, repeats: repeats, perTarget: true)
                    figures.append(BenchFigure("perTargetPairsPerSecond.d\(d).threads1", perTarget, "pairs/s"))
                    figures.append(BenchFigure("newtonSpeedup.d\(d)", rate / perTarget, "ratio (exact sum / per-target sums)"))
                }
            }
        }
        let study = pairsPerSecond(particles: 64, dimension: 2, threads: 1, repeats: repeats, evaluations: 2000)
        let studyPerTarget = pairsPerSecond(particles: 64, dimension: 2, threads: 1, repeats: repeats, evaluations: 2000,
                                            perTarget: true)
        figures.append(BenchFigure("pairsPerSecond.n64.d2.threads1", study, "pairs/s"))
        figures.append(BenchFigure("perTargetPairsPerSecond.n64.d2.threads1", studyPerTarget, "pairs/s"))
        figures.append(BenchFigure("newtonSpeedup.n64.d2", study / studyPerTarget, "ratio (exact sum / per-target sums)"))
        return figures
    }

    /// Best over `repeats` of `evaluations` exact evaluations (after a warm-up), as
    /// evaluations·N(N−1)/seconds: the exact sum, or with `perTarget` the per-target sums of all N
    /// targets on one thread.
    static func pairsPerSecond(particles n: Int, dimension d: Int, threads: Int, repeats: Int, evaluations: Int = 1,
                               perTarget: Bool = false) -> Double {
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
                    for _ in 0..<evaluations {
                        if perTarget {
                            problem.interaction.exactSums(targets: 0..<n, count: n, positions: px.baseAddress!, dimension: d,
                                                          weight: 1.0 / Double(n - 1), into: py.baseAddress!)
                        } else {
                            estimator.estimate(interaction: problem.interaction, positions: px, particles: n, dimension: d,
                                               into: py, workspace: workspace, stream: stream)
                        }
                    }
                }
            }
        }
        evaluate()
        return Double(evaluations) * Double(n) * Double(n - 1) / timings(repeats: repeats, evaluate).best
    }
}
