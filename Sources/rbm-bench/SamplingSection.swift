import Estimators
import NumericsCore
import ParticleSystems

/// Section `sampling`: draws per second of every sampling estimator at N = 4096, d = 64 (one
/// thread; N = 2048 under quick) for mean-field and softmax attention and the smooth interaction
/// sum, each as `drawOverExact` = (seconds per draw) / (seconds of one exact evaluation measured
/// in the same run). Preparation (once per configuration) is timed separately.
enum SamplingSection {
    static func run(_ scale: BenchScale) -> [BenchFigure] {
        BLAS.setThreads(1)
        var figures: [BenchFigure] = []
        let n = scale.pick(full: 4096, quick: 2048), d = 64
        figures.append(BenchFigure("tokens", Double(n), "N"))
        let stream = RandomStream(seed: 4, purpose: .configuration)
        var q = Matrix(rows: n, columns: d), k = q, v = q
        stream.fillGaussian(&q.elements, scale: 1 / Double(d).squareRoot())
        stream.fillGaussian(&k.elements, scale: 1 / Double(d).squareRoot())
        stream.fillGaussian(&v.elements)
        let draws = RandomStream(seed: 4, purpose: .estimatorDraws)
        for normalization in [AttentionNormalization.meanField, .softmax] {
            let inputs = AttentionInputs(queries: q, keys: k, values: v, beta: 1, normalization: normalization)
            var out = Matrix(rows: n, columns: d)
            let prefix = normalization.rawValue
            let exact = timings(repeats: scale.repeats(3)) { ExactAttention().estimate(inputs, into: &out, stream: draws) }.median
            figures.append(BenchFigure("\(prefix).exactSeconds", exact, "s"))
            let estimators: [any AttentionEstimator] = [
                RandomBatchAttention(batchSize: 32), BernoulliAttention(keepProbability: 31.0 / Double(n - 1)),
                YOSOAttention(hashes: 4), SkeinformerAttention(samples: 16), UniformColumnAttention(samples: 32),
                ImportanceColumnAttention(samples: 32),
            ]
            for estimator in estimators {
                let name = "\(prefix).\(estimator.name)"
                let workspace = AttentionWorkspace()
                var perDraw: Double
                if let prepared = estimator as? any PreparedAttentionEstimator {
                    func time<E: PreparedAttentionEstimator>(_ e: E) -> (draw: Double, prepare: Double) {
                        var preparation = e.prepare(inputs)
                        let prepare = seconds { preparation = e.prepare(inputs) }
                        return (timings(repeats: scale.repeats(5)) { e.estimate(inputs, prepared: preparation, into: &out, workspace: workspace, stream: draws) }.median, prepare)
                    }
                    let (draw, prepare) = time(prepared)
                    perDraw = draw
                    figures.append(BenchFigure("\(name).prepareOverExact", prepare / exact, "fraction"))
                } else {
                    perDraw = timings(repeats: scale.repeats(5)) { estimator.estimate(inputs, into: &out, workspace: workspace, stream: draws) }.median
                }
                figures.append(BenchFigure("\(name).drawsPerSecond", 1 / perDraw, "draws/s"))
                figures.append(BenchFigure("\(name).drawOverExact", perDraw / exact, "fraction"))
            }
        }
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: nil)
        var x = [Double](repeating: 0, count: n * d)
        stream.fillGaussian(&x)
        var y = [Double](repeating: 0, count: n * d)
        let workspace = EstimatorWorkspace(particles: n)
        func time(_ e: any InteractionSumEstimator, repeats: Int) -> Double {
            timings(repeats: repeats) {
                x.withUnsafeBufferPointer { px in
                    y.withUnsafeMutableBufferPointer { py in
                        e.estimate(interaction: problem.interaction, positions: px, particles: n, dimension: d, into: py,
                                   workspace: workspace, stream: draws)
                    }
                }
            }.median
        }
        let exact = time(ExactInteractionSum(), repeats: scale.repeats(3))
        figures.append(BenchFigure("interactionSum.exactSeconds", exact, "s"))
        let sums: [any InteractionSumEstimator] = [
            RandomBatchInteractionSum(batchSize: 32), RandomBatchReplacementInteractionSum(batchSize: 32),
            BernoulliInteractionSum(keepProbability: 31.0 / Double(n - 1)), UniformColumnInteractionSum(samples: 31),
        ]
        for estimator in sums {
            let t = time(estimator, repeats: scale.repeats(5))
            figures.append(BenchFigure("interactionSum.\(estimator.name).drawsPerSecond", 1 / t, "draws/s"))
            figures.append(BenchFigure("interactionSum.\(estimator.name).drawOverExact", t / exact, "fraction"))
        }
        return figures
    }
}
