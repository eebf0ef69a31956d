// rbm-bench: prints the performance figures of the foundation (release build only):
//   1. wall time of the default `rbm-study convergence` run;
//   2. exact O(N²) drift throughput in pair interactions per second at N = 1024, 4096, 16384;
//   3. RBM-1 step time for N = 10³ … 10⁶ and the fitted scaling exponent (expected ≈ 1).
// Run: swift run -c release rbm-bench
import Foundation
import Estimators
import NumericsCore
import ParticleSystems
import Studies

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Median over `repeats` timings of `body`.
func median(repeats: Int, _ body: () -> Void) -> Double {
    let times = (0..<repeats).map { _ in seconds(body) }.sorted()
    return times[times.count / 2]
}

let cores = availableCores
print("rbm-bench — \(RunManifest(seed: 0, command: "rbm-bench", threads: cores, wallSeconds: 0).cpu); BLAS \(BLAS.description)")
#if DEBUG
print("warning: debug build; timings are meaningless. Use: swift run -c release rbm-bench")
#endif

// 1. Default convergence run.
var defaults = ConvergenceConfiguration()
defaults.threads = cores
let defaultTime = try seconds { _ = try ConvergenceStudy.run(defaults) }
print(String(format: "\n1. default convergence run (N = 64, p = 2,4,8, 6 levels, 100 trajectories, %d threads): %.2f s", cores, defaultTime))

// 2. Exact drift throughput.
print("\n2. exact interaction sum (smooth kernel, d = 2), pair interactions per second")
print("   N        1 thread        \(cores) threads")
for n in [1024, 4096, 16384] {
    let problem = ReferenceProblem.smooth.make(particles: n, dimension: 2, noise: nil)
    var x = [Double](repeating: 0, count: n * 2)
    RandomStream(seed: 1, purpose: .initialCondition).fillGaussian(&x)
    var y = [Double](repeating: 0, count: n * 2)
    let workspace = EstimatorWorkspace(particles: n)
    let stream = RandomStream(seed: 1, purpose: .estimatorDraws)
    var rates: [Double] = []
    for threads in [1, cores] {
        let estimator = ExactInteractionSum(threads: threads)
        let repeats = n <= 4096 ? 5 : 3
        let t = median(repeats: repeats) {
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    estimator.estimate(interaction: problem.interaction, positions: px, particles: n, dimension: 2,
                                       into: py, workspace: workspace, stream: stream)
                }
            }
        }
        rates.append(Double(n) * Double(n - 1) / t)
    }
    print(String(format: "   %-7d  %.3e       %.3e", n, rates[0], rates[1]))
}

// 3. RBM step time against N.
print("\n3. RBM-1 Euler–Maruyama step (p = 4, smooth, d = 2, one thread), median time per step")
var logN: [Double] = [], logT: [Double] = []
for n in [1_000, 10_000, 100_000, 1_000_000] {
    let problem = ReferenceProblem.smooth.make(particles: n, dimension: 2, noise: nil)
    let drift = ParticleDrift(problem: problem, estimator: RandomBatchInteractionSum(batchSize: 4))
    let workspace = IntegratorWorkspace(particles: n, dimension: 2)
    let stream = RandomStream(seed: 2, purpose: .batchPartition)
    var x = [Double](repeating: 0, count: n * 2)
    RandomStream(seed: 2, purpose: .initialCondition).fillGaussian(&x)
    var dW = [Double](repeating: 0, count: n * 2)
    RandomStream(seed: 2, purpose: .brownianNoise).fillGaussian(&dW, scale: 0.1)
    let integrator = EulerMaruyamaIntegrator()
    let steps = max(1, 2_000_000 / n)
    let t = median(repeats: 5) {
        dW.withUnsafeBufferPointer { increment in
            for _ in 0..<steps {
                integrator.step(&x, timeStep: 0.01, brownianIncrement: increment, drift: drift, workspace: workspace, stream: stream)
            }
        }
    } / Double(steps)
    logN.append(log(Double(n))); logT.append(log(t))
    print(String(format: "   N = %-9d %.3e s/step  (%.1f ns per particle)", n, t, t / Double(n) * 1e9))
}
let fit = try WeightedLinearFit(x: logN, y: logT, weights: Array(repeating: 1, count: logN.count))
print(String(format: "   fitted scaling: time ∝ N^%.3f (least squares on log-log, 4 sizes; expected ≈ 1)", fit.slope))
