import Estimators
import Foundation
import NumericsCore
import Studies
import Testing
import TestSupport

/// Calibration of ``ZeroBiasTest``: its size on exactly unbiased estimators where one partner
/// dominates a row (the case that broke the per-coordinate t-test), zero variance at p = N and
/// π = 1, and its power against known-biased estimators at the default number of draws.
@Suite("Zero-bias test calibration")
struct ZeroBiasTestCalibrationTests {
    static let tokens = 48, dimension = 8, draws = VarianceSweepConfiguration().draws

    /// Mean over rows of the largest share e^{sᵢⱼ}/Σₗ e^{sᵢₗ} of one partner.
    static func dominantShare(_ inputs: AttentionInputs) -> Double {
        let n = inputs.tokens
        var total = 0.0
        for i in 0..<n {
            var scores = [Double](repeating: 0, count: n)
            for j in 0..<n {
                var s = 0.0
                for c in 0..<inputs.keyDimension { s += inputs.queries[i, c] * inputs.keys[j, c] }
                scores[j] = inputs.beta * s
            }
            let top = scores.max() ?? 0
            let weights = scores.map { exp($0 - top) }
            total += 1 / weights.reduce(0, +)
        }
        return total / Double(n)
    }

    static func measure(_ estimator: any AttentionEstimator, _ inputs: AttentionInputs, seed: UInt64,
                        useLaw: Bool = true) -> EstimatorDrawStatistics.Summary {
        let law = useLaw ? ((estimator as? any AttentionVarianceLaw)?.theoreticalMeanSquaredError(inputs)).map { $0.reduce(0, +) } : nil
        return VarianceSweepStudy.measureAttention(estimator, inputs, draws: draws, threads: 2, seed: seed, key: 1,
                                                   theoreticalVariance: law)
    }

    @Test("zero-bias test size on a concentrated-attention configuration")
    func sizeOnConcentratedAttention() throws {
        let estimators: [any AttentionEstimator] = [RandomBatchAttention(batchSize: 2), RandomBatchAttention(batchSize: 4),
                                                    UniformColumnAttention(samples: 2), UniformColumnAttention(samples: 4)]
        var detected = 0, tests = 0, shares: [Double] = []
        for seed in UInt64(1)...48 {
            let inputs = try fixedAttentionInputs(tokens: Self.tokens, dimension: Self.dimension, beta: 8,
                                                  normalization: .meanField, seed: seed)
            shares.append(Self.dominantShare(inputs))
            for (k, estimator) in estimators.enumerated() {
                #expect(estimator.isUnbiased(for: .meanField))
                let s = Self.measure(estimator, inputs, seed: 1_000 * seed + UInt64(k))
                tests += 1
                if s.biasVerdict == .detected { detected += 1 }
            }
        }
        let alpha = ZeroBiasTest.level, n = Double(tests)
        let allowed = alpha * n + 4 * (alpha * (1 - alpha) * n).squareRoot()
        // The configurations are concentrated: on average one partner carries a large share of a row.
        let meanShare = shares.reduce(0, +) / Double(shares.count)
        #expect(meanShare > 0.3, "mean dominant share \(meanShare)")
        #expect(Double(detected) <= allowed, "\(detected) of \(tests) exactly unbiased cases detected (allowed \(allowed))")
    }

    @Test("zero-bias test at p = N is never detected")
    func zeroVarianceIsNeverDetected() throws {
        let n = Self.tokens
        let estimators: [any AttentionEstimator] = [RandomBatchAttention(batchSize: n), RandomBatchAttention(batchSize: n, weighting: .corrected),
                                                    BernoulliAttention(keepProbability: 1)]
        for seed in UInt64(1)...8 {
            let inputs = try fixedAttentionInputs(tokens: n, dimension: Self.dimension, beta: 8, normalization: .meanField, seed: seed)
            for estimator in estimators {
                let law = try #require((estimator as? any AttentionVarianceLaw)?.theoreticalMeanSquaredError(inputs))
                #expect(law.allSatisfy { $0 == 0 })
                for useLaw in [true, false] {
                    let s = Self.measure(estimator, inputs, seed: seed, useLaw: useLaw)
                    #expect(s.biasVerdict == .consistentWithUnbiased,
                            "\(estimator.name) seed \(seed) law \(useLaw): \(s.biasVerdict), bias \(s.bias.value), target RMS \(s.targetRMS)")
                }
            }
        }
    }

    @Test("zero-bias test detects softmax RBA and Skeinformer in most seeds at the default draws")
    func powerOnKnownBiasedEstimators() throws {
        let estimators: [any AttentionEstimator] = [RandomBatchAttention(batchSize: 4), SkeinformerAttention(samples: 8)]
        let seeds = UInt64(1)...10
        for estimator in estimators {
            #expect(!estimator.isUnbiased(for: .softmax))
            var detected = 0
            for seed in seeds {
                let inputs = try fixedAttentionInputs(tokens: 64, dimension: Self.dimension, beta: 1, normalization: .softmax, seed: seed)
                if Self.measure(estimator, inputs, seed: seed).biasVerdict == .detected { detected += 1 }
            }
            #expect(detected >= 7, "\(estimator.name): detected in \(detected) of \(seeds.count) seeds")
        }
    }

    @Test("a bias far below rounding is zero and a zero closed-form variance with a real bias is detected")
    func roundingAndDeterministicLaw() {
        let tolerance = ZeroBiasTest.Evidence.roundingTolerance(rows: 100, targetRMS: 1)
        let rounding = ZeroBiasTest.Evidence(draws: 1_000, deviationSquared: tolerance / 4, variance: 0, varianceFromTheory: true,
                                             kurtosis: .nan, roundingTolerance: tolerance)
        #expect(ZeroBiasTest.combine([rounding]).verdict == .consistentWithUnbiased)
        var real = rounding
        real.deviationSquared = 1e-6
        #expect(ZeroBiasTest.combine([real]).verdict == .detected)
        real.varianceFromTheory = false
        #expect(ZeroBiasTest.combine([real]).verdict == .inconclusive)
        let heavy = ZeroBiasTest.Evidence(draws: 1_000, deviationSquared: 1, variance: 1e-3, varianceFromTheory: false,
                                          kurtosis: 2 * ZeroBiasTest.maximumKurtosisPerDraw * 1_000, roundingTolerance: tolerance)
        #expect(ZeroBiasTest.combine([heavy]).verdict == .inconclusive)
    }
}
