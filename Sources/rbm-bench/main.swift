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

// The memory benchmark re-runs this binary as a child so its peak RSS is isolated.
if CommandLine.arguments.contains(attentionMemoryChildFlag) { attentionMemoryChild(); exit(0) }

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

// 4. Variance-sweep estimators (issue 4): draws per second at N = 4096, d = 64 (one thread),
//    and the time of one draw relative to one exact evaluation.
print("\n4. sampling estimators at N = 4096, d = 64 (one thread): draws per second and cost relative to one exact evaluation")
do {
    BLAS.setThreads(1)
    let n = 4096, d = 64
    let stream = RandomStream(seed: 4, purpose: .configuration)
    var q = Matrix(rows: n, columns: d), k = q, v = q
    stream.fillGaussian(&q.elements, scale: 1 / Double(d).squareRoot())
    stream.fillGaussian(&k.elements, scale: 1 / Double(d).squareRoot())
    stream.fillGaussian(&v.elements)
    let drawStream = RandomStream(seed: 4, purpose: .estimatorDraws)
    for normalization in [AttentionNormalization.meanField, .softmax] {
        let inputs = AttentionInputs(queries: q, keys: k, values: v, beta: 1, normalization: normalization)
        var out = Matrix(rows: n, columns: d)
        let exactTime = median(repeats: 3) { ExactAttention().estimate(inputs, into: &out, stream: drawStream) }
        print(String(format: "   attention (%@): exact %.3f s per evaluation", normalization.rawValue, exactTime))
        let estimators: [any AttentionEstimator] = [
            RandomBatchAttention(batchSize: 32), BernoulliAttention(keepProbability: 31.0 / 4095),
            YOSOAttention(hashes: 4), SkeinformerAttention(samples: 16), UniformColumnAttention(samples: 32),
            ImportanceColumnAttention(samples: 32),
        ]
        for estimator in estimators {
            var perDraw: Double
            if let prepared = estimator as? any PreparedAttentionEstimator {
                func timeDraws<E: PreparedAttentionEstimator>(_ e: E) -> (Double, Double) {
                    var preparation: E.Preparation? = nil
                    let prepareTime = seconds { preparation = e.prepare(inputs) }
                    let t = median(repeats: 5) { e.estimate(inputs, prepared: preparation!, into: &out, stream: drawStream) }
                    return (t, prepareTime)
                }
                let (t, prep) = timeDraws(prepared)
                perDraw = t
                print(String(format: "   %@ size %-8.4g cost %6.1f  %9.1f draws/s  draw/exact %.4f  (prepare once per configuration: %.3f s)",
                             estimator.name.padding(toLength: 26, withPad: " ", startingAt: 0), estimator.size ?? .nan, estimator.expectedCost(tokens: n), 1 / perDraw, perDraw / exactTime, prep))
            } else {
                perDraw = median(repeats: 5) { estimator.estimate(inputs, into: &out, stream: drawStream) }
                print(String(format: "   %@ size %-8.4g cost %6.1f  %9.1f draws/s  draw/exact %.4f",
                             estimator.name.padding(toLength: 26, withPad: " ", startingAt: 0), estimator.size ?? .nan, estimator.expectedCost(tokens: n), 1 / perDraw, perDraw / exactTime))
            }
        }
    }
    // Particle interaction sums (smooth kernel) at N = 4096, d = 64.
    let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: nil)
    var x = [Double](repeating: 0, count: n * d)
    stream.fillGaussian(&x)
    var y = [Double](repeating: 0, count: n * d)
    let workspace = EstimatorWorkspace(particles: n)
    func time(_ e: any InteractionSumEstimator, repeats: Int) -> Double {
        median(repeats: repeats) {
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    e.estimate(interaction: problem.interaction, positions: px, particles: n, dimension: d, into: py,
                               workspace: workspace, stream: drawStream)
                }
            }
        }
    }
    let exactSum = time(ExactInteractionSum(), repeats: 3)
    print(String(format: "   interaction sum (smooth): exact %.3f s per evaluation", exactSum))
    let sums: [any InteractionSumEstimator] = [
        RandomBatchInteractionSum(batchSize: 32), RandomBatchReplacementInteractionSum(batchSize: 32),
        BernoulliInteractionSum(keepProbability: 31.0 / 4095), UniformColumnInteractionSum(samples: 31),
    ]
    for estimator in sums {
        let t = time(estimator, repeats: 5)
        print(String(format: "   %@ size %-8.4g cost %6.1f  %9.1f draws/s  draw/exact %.4f",
                     estimator.name.padding(toLength: 26, withPad: " ", startingAt: 0), estimator.size ?? .nan, estimator.expectedCost(particles: n), 1 / t, t / exactSum))
    }
}

// 5. Structured approximations (issue 5): time per call against N, one BLAS thread, with the
//    exponent of a least-squares fit of log time on log N, next to exact attention; then the
//    convergence rates of SOFT's Newton–Schulz inverse and Nyströmformer's cubic iteration.
print("\n5. structured approximations (d = 16, uniform tokens on the sphere, β = 1, one BLAS thread): median seconds per call")
BLAS.setThreads(1)
let structuredSizes = [256, 512, 1024, 2048, 4096]
let structured: [(String, (Int) -> any AttentionEstimator)] = [
    ("exact", { _ in ExactAttention() }),
    ("rba p=16", { _ in RandomBatchAttention(batchSize: 16) }),
    ("soft m=32 (Newton–Schulz)", { _ in SoftAttention(landmarks: 32) }),
    ("soft-svd m=32", { _ in SoftAttention(landmarks: 32, inverse: .pseudoInverse(relativeCutoff: nil)) }),
    ("nystromformer m=32", { _ in NystromformerAttention(landmarks: 32) }),
    ("performer-positive m=64", { _ in PerformerAttention(features: 64) }),
    ("performer-orthogonal m=64", { _ in PerformerAttention(features: 64, sampling: .orthogonal) }),
    ("paramixer-cdil F=log2 N (with fit)", { n in ParamixerAttention(pattern: .cdil, factors: ParamixerPattern.factorCount(tokens: n)) }),
]
print("   " + "method".padding(toLength: 36, withPad: " ", startingAt: 0) + structuredSizes.map { String(format: "%11d", $0) }.joined() + "   exponent")
for (label, make) in structured {
    var logN: [Double] = [], logT: [Double] = []
    var line = "   " + label.padding(toLength: 36, withPad: " ", startingAt: 0)
    for n in structuredSizes {
        if label.hasPrefix("paramixer") && n > 1024 { line += String(repeating: " ", count: 10) + "—"; continue }
        var x = Matrix(rows: n, columns: 16)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 5, purpose: .configuration).fillGaussian($0) }
        for i in 0..<n {
            let norm = (0..<16).reduce(0.0) { $0 + x[i, $1] * x[i, $1] }.squareRoot()
            for c in 0..<16 { x[i, c] /= norm }
        }
        let inputs = AttentionInputs(queries: x, keys: x, values: x, beta: 1, normalization: .softmax)
        let estimator = make(n)
        let stream = RandomStream(seed: 5, purpose: .estimatorDraws)
        var out = Matrix(rows: n, columns: 16)
        let t = median(repeats: n <= 1024 ? 5 : 3) { estimator.estimate(inputs, into: &out, stream: stream) }
        logN.append(log(Double(n))); logT.append(log(t))
        line += String(format: "%11.2e", t)
    }
    let exponent = (try? WeightedLinearFit(x: logN, y: logT, weights: Array(repeating: 1, count: logN.count)))?.slope ?? .nan
    print(line + String(format: "   %.2f", exponent))
}
do {
    var logN: [Double] = [], logT: [Double] = []
    var line = "   " + "paramixer-cdil F=log2 N, mixing only".padding(toLength: 36, withPad: " ", startingAt: 0)
    for n in structuredSizes {
        var x = Matrix(rows: n, columns: 16)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 5, purpose: .configuration).fillGaussian($0) }
        let chain = ParamixerFactors.randomMLP(pattern: .cdil, tokens: x, factors: ParamixerPattern.factorCount(tokens: n),
                                               stream: RandomStream(seed: 5, purpose: .modelParameters))
        var mixed = x
        let t = median(repeats: 5) { mixed = chain.apply(x) }
        precondition(mixed.rows == n)
        logN.append(log(Double(n))); logT.append(log(t))
        line += String(format: "%11.2e", t)
    }
    let exponent = (try? WeightedLinearFit(x: logN, y: logT, weights: Array(repeating: 1, count: logN.count)))?.slope ?? .nan
    print(line + String(format: "   %.2f", exponent))
}
print("   (paramixer with fit: O(N²·L²·F) least squares on the dense attention matrix; mixing only: Σ nnz·d_v = O(N log N·d_v) for CDIL)")

var kernelPoints = Matrix(rows: 12, columns: 4)
kernelPoints.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 9_001, purpose: .configuration).fillGaussian($0, scale: 1.5) }
let newtonSchulz = NewtonSchulzInverse(iterations: 12, ridge: 0.01).run(SoftAttention.kernel(kernelPoints, kernelPoints, beta: 1), recordResiduals: true).residuals
print("\n   Newton–Schulz ‖I − V_k P‖₂ (12 landmarks in ℝ⁴, spread 1.5, ridge 0.01): " + newtonSchulz.map { String(format: "%.2e", $0) }.joined(separator: ", "))
var clustered = Matrix(rows: 64, columns: 8)
clustered.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 4_242, purpose: .configuration).fillGaussian($0, scale: 0.05) }
for i in 0..<64 { clustered[i, i / 16] += 1 }
let landmarkKernel = NystromformerAttention(landmarks: 4).factors(AttentionInputs(queries: clustered, keys: clustered, values: clustered, beta: 1, normalization: .softmax)).a
let cubic = CubicPseudoInverseIteration(iterations: 6).run(landmarkKernel, recordResiduals: true).residuals
print("   Nyströmformer ‖I − AZ_k‖₂ (4 contiguous clusters, m = 4, β = 1): " + cubic.map { String(format: "%.2e", $0) }.joined(separator: ", "))
print("   local orders log e_{k+1}/log e_k: " + zip(cubic, cubic.dropFirst()).filter { $0.1 > 1e-14 }.map { String(format: "%.2f", log($0.1) / log($0.0)) }.joined(separator: ", "))

runAttentionBenchmark()
