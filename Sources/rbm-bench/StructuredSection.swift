import AttentionAsDynamics
import Estimators
import NumericsCore
import ParticleSystems

/// Section `structured`: median seconds per call of each structured approximation against N
/// (d = 16, uniform tokens on the sphere, β = 1, softmax, one BLAS thread), the least-squares
/// exponent of time ∝ N^a, and `overExact` = its time / exact attention's time at the largest N,
/// both measured in this run. Then one Euler step (+ retraction) of attention dynamics with RBA
/// (p = 32) and with exact attention against N, with their exponents (ideal 1 and 2) and the ratio.
/// N = 256 … 4096 (… 2048 under quick).
enum StructuredSection {
    static func run(_ scale: BenchScale) throws -> [BenchFigure] {
        BLAS.setThreads(1)
        var figures: [BenchFigure] = []
        let sizes = scale.pick(full: [256, 512, 1024, 2048, 4096], quick: [256, 512, 1024, 2048])
        let methods: [(String, (Int) -> any AttentionEstimator)] = [
            ("exact", { _ in ExactAttention() }),
            ("rba-p16", { _ in RandomBatchAttention(batchSize: 16) }),
            ("soft-m32", { _ in SoftAttention(landmarks: 32) }),
            ("soft-svd-m32", { _ in SoftAttention(landmarks: 32, inverse: .pseudoInverse(relativeCutoff: nil)) }),
            ("nystromformer-m32", { _ in NystromformerAttention(landmarks: 32) }),
            ("performer-positive-m64", { _ in PerformerAttention(features: 64) }),
            ("performer-orthogonal-m64", { _ in PerformerAttention(features: 64, sampling: .orthogonal) }),
            ("paramixer-cdil", { n in ParamixerAttention(pattern: .cdil, factors: ParamixerPattern.factorCount(tokens: n)) }),
        ]
        var exactAtLargest = Double.nan
        for (label, make) in methods {
            // Paramixer's fit solves a dense O(N²·L²·F) least-squares problem: N ≤ 1024 only.
            let usable = label.hasPrefix("paramixer") ? sizes.filter { $0 <= 1024 } : sizes
            var times: [Double] = []
            for n in usable {
                let inputs = sphereInputs(tokens: n)
                let estimator = make(n)
                let stream = RandomStream(seed: 5, purpose: .estimatorDraws)
                var out = Matrix(rows: n, columns: 16)
                let workspace = AttentionWorkspace()
                times.append(timings(repeats: scale.repeats(n <= 1024 ? 5 : 3)) {
                    estimator.estimate(inputs, into: &out, workspace: workspace, stream: stream)
                }.median)
            }
            figures.append(BenchFigure("\(label).seconds.n\(usable.last!)", times.last!, "s"))
            figures.append(BenchFigure("\(label).exponent", scalingExponent(usable.map(Double.init), times), "time ∝ N^exponent"))
            if label == "exact" { exactAtLargest = times.last! }
            else if usable.last == sizes.last { figures.append(BenchFigure("\(label).overExact", times.last! / exactAtLargest, "fraction")) }
        }
        let d = 16
        let rbaSizes = scale.pick(full: [1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18], quick: [1 << 10, 1 << 12, 1 << 14, 1 << 16])
        var rba: [Double] = []
        for n in rbaSizes {
            rba.append(try stepSeconds(tokens: n, dimension: d, estimator: RandomBatchAttention(batchSize: 32),
                                       repeats: scale.repeats(n <= 1 << 16 ? 5 : 3), steps: max(1, (1 << 16) / n)))
        }
        let exactSizes = scale.pick(full: [1 << 10, 1 << 12, 1 << 13], quick: [1 << 10, 1 << 12])
        var exact: [Double] = []
        for n in exactSizes {
            exact.append(try stepSeconds(tokens: n, dimension: d, estimator: ExactAttention(),
                                         repeats: scale.repeats(n <= 1 << 12 ? 5 : 3), steps: max(1, (1 << 12) / n)))
        }
        figures.append(BenchFigure("rbaStep.nanosecondsPerToken.n\(rbaSizes.last!)", rba.last! / Double(rbaSizes.last!) * 1e9, "ns"))
        figures.append(BenchFigure("rbaStep.exponent", scalingExponent(rbaSizes.map(Double.init), rba), "time ∝ N^exponent"))
        figures.append(BenchFigure("exactStep.exponent", scalingExponent(exactSizes.map(Double.init), exact), "time ∝ N^exponent"))
        figures.append(BenchFigure("exactStepOverRbaStep.n4096", exact[1] / rba[1], "ratio"))
        return figures
    }

    /// N tokens in ℝ¹⁶ normalised onto the unit sphere (Q = K = V = X), β = 1, softmax.
    static func sphereInputs(tokens n: Int) -> AttentionInputs {
        var x = Matrix(rows: n, columns: 16)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 5, purpose: .configuration).fillGaussian($0) }
        for i in 0..<n {
            let norm = (0..<16).reduce(0.0) { $0 + x[i, $1] * x[i, $1] }.squareRoot()
            for c in 0..<16 { x[i, c] /= norm }
        }
        return AttentionInputs(queries: x, keys: x, values: x, beta: 1, normalization: .softmax)
    }

    /// One Euler step plus the retraction onto the sphere of attention dynamics (identity maps,
    /// β = 1, softmax) from uniform tokens: median over `repeats` of `steps` steps, per step.
    static func stepSeconds(tokens n: Int, dimension d: Int, estimator: any AttentionEstimator,
                            repeats: Int, steps: Int) throws -> Double {
        let dynamics = AttentionDynamics(tokens: n, dimension: d, maps: .identity(d), beta: 1,
                                         normalization: .softmax, geometry: .sphere)
        let drift = AttentionDrift(dynamics: dynamics, estimator: estimator)
        var x = try TokenSet.uniformSphere.tokens(count: n, dimension: d, stream: RandomStream(seed: 7, purpose: .initialCondition)).elements
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let stream = RandomStream(seed: 7, purpose: .batchPartition)
        let integrator = EulerMaruyamaIntegrator()
        return timings(repeats: repeats) {
            for _ in 0..<steps {
                integrator.step(&x, timeStep: 0.01, brownianIncrement: nil, drift: drift, workspace: workspace, stream: stream)
                drift.retract(&x)
            }
        }.median / Double(steps)
    }
}
