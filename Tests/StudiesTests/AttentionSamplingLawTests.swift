import Estimators
import NumericsCore
import Studies
import Testing

/// Sampling schemes on attention outputs at fixed inputs: the mean-field Bernoulli
/// and RBA laws, YOSO's exact variance against YOSO-E, the DKM identity for uniform and importance
/// column sampling, importance beating uniform on uneven column norms, and Skeinformer's bias,
/// measured and reported (not asserted zero).
@Suite("Sampling scheme laws on attention")
struct AttentionSamplingLawTests {
    static let tokens = 24, keyDimension = 4, valueDimension = 3, draws = 6_000

    static func inputs(_ normalization: AttentionNormalization, unevenValues: Bool = false) -> AttentionInputs {
        let stream = RandomStream(seed: 1_234, purpose: .configuration)
        var q = Matrix(rows: tokens, columns: keyDimension), k = q
        var v = Matrix(rows: tokens, columns: valueDimension)
        stream.fillGaussian(&q.elements, scale: 0.7)
        stream.fillGaussian(&k.elements, scale: 0.7)
        stream.fillGaussian(&v.elements)
        if unevenValues {
            // A few heavy value rows: column norms ‖B⁽ʲ⁾‖‖Vⱼ‖ spread over two orders of magnitude.
            for j in 0..<tokens { for c in 0..<valueDimension { v[j, c] *= j < 3 ? 20 : 0.2 } }
        }
        return AttentionInputs(queries: q, keys: k, values: v, beta: 1, normalization: normalization)
    }

    static func measure(_ estimator: any AttentionEstimator, _ inputs: AttentionInputs, seed: UInt64,
                        draws: Int = draws) -> EstimatorDrawStatistics.Summary {
        let target = estimator.exactTarget(inputs).elements
        return EstimatorDrawStatistics.measure(target: target, rows: inputs.tokens, draws: draws, threads: 2) {
            var out = Matrix(rows: inputs.tokens, columns: inputs.valueDimension)
            return { r, buffer in
                estimator.estimate(inputs, into: &out, stream: RandomStream(seed: seed, purpose: .estimatorDraws, index: UInt32(r)))
                buffer = out.elements
            }
        }
    }

    static let laws: [(any AttentionVarianceLaw, AttentionNormalization)] = [
        (BernoulliAttention(keepProbability: 0.25), .meanField),
        (RandomBatchAttention(batchSize: 4), .meanField),
        (RandomBatchAttention(batchSize: 5, weighting: .corrected), .meanField),
        (YOSOAttention(hashes: 4, bits: 3), .softmax),
        (YOSOAttention(hashes: 2, bits: 6), .meanField),
        (UniformColumnAttention(samples: 6), .softmax),
        (UniformColumnAttention(samples: 6), .meanField),
        (ImportanceColumnAttention(samples: 6), .softmax),
    ]

    @Test("each closed-form variance matches the measured variance within 4 SE, and zero bias is not rejected",
          arguments: laws.indices)
    func closedFormMatchesMeasurement(index: Int) throws {
        let (estimator, normalization) = Self.laws[index]
        let inputs = Self.inputs(normalization)
        let perToken = try #require(estimator.theoreticalMeanSquaredError(inputs))
        let theory = perToken.reduce(0, +) / Double(Self.tokens)
        let s = Self.measure(estimator, inputs, seed: 300 + UInt64(index))
        let label = "\(estimator.name)(\(estimator.size ?? .nan)), \(normalization)"
        #expect(estimator.isUnbiased(for: normalization))
        #expect(abs(s.variance.value - theory) <= 4 * s.variance.standardError,
                "\(label): variance \(s.variance.value) ± \(s.variance.standardError), theory \(theory)")
        #expect(s.biasPValue > 1e-3, "\(label): zero bias rejected, p = \(s.biasPValue)")
    }

    @Test("softmax has no closed form for ratio estimators")
    func ratioEstimatorsHaveNoLaw() {
        #expect(BernoulliAttention(keepProbability: 0.5).theoreticalMeanSquaredError(Self.inputs(.softmax)) == nil)
        #expect(RandomBatchAttention(batchSize: 4).theoreticalMeanSquaredError(Self.inputs(.softmax)) == nil)
    }

    @Test("importance column sampling beats uniform when column norms are uneven (theory and measurement)")
    func importanceBeatsUniform() throws {
        let inputs = Self.inputs(.softmax, unevenValues: true)
        let c = 4
        let uniformTheory = try #require(UniformColumnAttention(samples: c).theoreticalMeanSquaredError(inputs)).reduce(0, +)
        let importanceTheory = try #require(ImportanceColumnAttention(samples: c).theoreticalMeanSquaredError(inputs)).reduce(0, +)
        #expect(importanceTheory < 0.5 * uniformTheory, "theory: importance \(importanceTheory), uniform \(uniformTheory)")
        let uniform = Self.measure(UniformColumnAttention(samples: c), inputs, seed: 11)
        let importance = Self.measure(ImportanceColumnAttention(samples: c), inputs, seed: 12)
        let gap = uniform.variance.value - importance.variance.value
        let se = (uniform.variance.standardError * uniform.variance.standardError
                  + importance.variance.standardError * importance.variance.standardError).squareRoot()
        #expect(gap > 4 * se, "measured: uniform \(uniform.variance.value), importance \(importance.variance.value), SE \(se)")
    }

    @Test("Skeinformer's bias is measured and reported for each ablation", arguments: [
        SkeinformerAttention.Components.all,
        .init(pilotSampling: false, adaptiveNormalization: true, pilotReuse: true),
        .init(pilotSampling: true, adaptiveNormalization: false, pilotReuse: true),
        .init(pilotSampling: true, adaptiveNormalization: true, pilotReuse: false),
    ])
    func skeinformerBiasIsMeasured(components: SkeinformerAttention.Components) {
        let inputs = Self.inputs(.softmax)
        let estimator = SkeinformerAttention(samples: 6, components: components)
        let s = Self.measure(estimator, inputs, seed: 21, draws: 2_000)
        // Reported, not asserted zero: the bias norm, its noise floor and the test's p-value.
        print("\(estimator.name) c = 6: bias \(s.bias.value) ± \(s.bias.standardError) (target RMS \(s.targetRMS)), p = \(s.biasPValue), variance \(s.variance.value)")
        #expect(!estimator.isUnbiased(for: .softmax))
        #expect(s.bias.value.isFinite && s.variance.value.isFinite && s.biasPValue >= 0 && s.biasPValue <= 1)
        // Sanity: an estimate of a convex combination of values stays on the output's scale.
        #expect(s.meanSquaredError.value < 10 * s.targetRMS * s.targetRMS + 10)
    }

    @Test("Skeinformer with every column sampled and pilot reuse is exact on the pilot rows")
    func skeinformerPilotRowsAreExact() {
        let inputs = Self.inputs(.softmax)
        let exact = ExactAttention().evaluate(inputs)
        let out = SkeinformerAttention(samples: Self.tokens).estimate(inputs, stream: RandomStream(seed: 5, purpose: .estimatorDraws))
        // With c = N every column is selected, no column is unseen, and the normaliser is exact.
        let worst = zip(out.elements, exact.elements).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-12, "max |Ô − O| = \(worst)")
    }

    @Test("normalised YOSO is biased against the normalised YOSO-E")
    func normalizedYOSOIsBiased() {
        let inputs = Self.inputs(.softmax)
        let s = Self.measure(NormalizedYOSOAttention(hashes: 1, bits: 4), inputs, seed: 31, draws: 4_000)
        #expect(s.biasPValue < 1e-3, "p = \(s.biasPValue), bias \(s.bias.value) ± \(s.bias.standardError)")
    }
}
