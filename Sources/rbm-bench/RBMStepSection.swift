import Foundation
import Estimators
import NumericsCore
import ParticleSystems

/// Section `rbm-step`: one RBM-1 Euler–Maruyama step (p = 4, smooth kernel, d = 2, one thread) for
/// N = 10³, 10⁴, 10⁵, 10⁶: nanoseconds per particle and the least-squares exponent of time ∝ N^a
/// (ideal 1). Limit: the state a step must move per particle — read x (gathered by batch and
/// again for the update), write and read the drift, read the increment, write x: 6·d·8 bytes —
/// at the copy bandwidth measured in the same run. `fractionOfBandwidth.1e6` = (that time) /
/// (measured time) at N = 10⁶. Quick: fewer steps per timing and 3 repeats.
enum RBMStepSection {
    static let dimension = 2

    static func run(_ scale: BenchScale) -> [BenchFigure] {
        let bandwidth = MachinePeak.copyBytesPerSecond(quick: scale.quick, repeats: scale.repeats(5))
        let bytesPerParticle = Double(6 * dimension * MemoryLayout<Double>.stride)
        let limitNanoseconds = bytesPerParticle / bandwidth * 1e9
        var figures = [BenchFigure("copyBandwidth", bandwidth / 1e9, "GB/s"),
                       BenchFigure("bandwidthLimit", limitNanoseconds, "ns per particle (\(Int(bytesPerParticle)) B)")]
        let sizes = [1_000, 10_000, 100_000, 1_000_000]
        var times: [Double] = []
        for n in sizes {
            let t = stepSeconds(particles: n, work: scale.pick(full: 2_000_000, quick: 1_000_000), repeats: scale.repeats(5))
            times.append(t)
            figures.append(BenchFigure("nanosecondsPerParticle.1e\(Int(log10(Double(n)).rounded()))", t / Double(n) * 1e9, "ns"))
        }
        figures.append(BenchFigure("exponent", scalingExponent(sizes.map(Double.init), times), "time ∝ N^exponent"))
        figures.append(BenchFigure("fractionOfBandwidth.1e6", limitNanoseconds / (times[3] / 1e6 * 1e9), "fraction"))
        return figures
    }

    /// Median over `repeats` of max(1, work/N) consecutive steps, per step.
    static func stepSeconds(particles n: Int, work: Int, repeats: Int) -> Double {
        let d = dimension
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: nil)
        let drift = ParticleDrift(problem: problem, estimator: RandomBatchInteractionSum(batchSize: 4))
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let stream = RandomStream(seed: 2, purpose: .batchPartition)
        var x = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 2, purpose: .initialCondition).fillGaussian(&x)
        var dW = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 2, purpose: .brownianNoise).fillGaussian(&dW, scale: 0.1)
        let integrator = EulerMaruyamaIntegrator()
        let steps = max(1, work / n)
        func run() {
            dW.withUnsafeBufferPointer { increment in
                for _ in 0..<steps {
                    integrator.step(&x, timeStep: 0.01, brownianIncrement: increment, drift: drift, workspace: workspace, stream: stream)
                }
            }
        }
        run()
        return timings(repeats: repeats, run).median / Double(steps)
    }
}
