import Estimators
import NumericsCore
import ParticleSystems
import Studies
import Testing

/// The closed-form variance laws of the particle-system sampling schemes at
/// a fixed configuration of the smooth problem, against 20 000 draws: random batch with and
/// without replacement, Bernoulli (Horvitz–Thompson) and uniform columns. Each law must hold within
/// 4 standard errors of the measured variance, and no unbiased scheme may reject zero bias.
@Suite("Sampling scheme variance laws on interaction sums")
struct SamplingSchemeLawTests {
    static let particles = 16, dimension = 2, draws = 20_000

    static let problem = ReferenceProblem.smooth.make(particles: particles, dimension: dimension, noise: 0)

    static let configuration: [Double] = {
        var x = [Double](repeating: 0, count: particles * dimension)
        problem.initialCondition.fill(&x, particles: particles, dimension: dimension,
                                      stream: RandomStream(seed: 4_242, purpose: .configuration))
        // An offset makes the mean force comparable to its spread, separating raw-moment laws
        // (Bernoulli, columns) from spread laws (random batch).
        for i in 0..<particles { x[i * dimension] += i < particles / 2 ? 0 : 3 }
        return x
    }()

    static let moments = InteractionTermMoments(interaction: problem.interaction, positions: configuration,
                                                particles: particles, dimension: dimension)

    static func measure(_ estimator: any InteractionSumEstimator, seed: UInt64) -> EstimatorDrawStatistics.Summary {
        EstimatorDrawStatistics.measure(target: moments.mean, rows: particles, draws: draws, threads: 2) {
            let workspace = EstimatorWorkspace(particles: particles)
            return { r, out in
                let stream = RandomStream(seed: seed, purpose: .estimatorDraws, index: UInt32(r))
                configuration.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer { y in
                        estimator.estimate(interaction: problem.interaction, positions: x, particles: particles,
                                           dimension: dimension, into: y, workspace: workspace, stream: stream)
                    }
                }
            }
        }
    }

    static let schemes: [any InteractionSumVarianceLaw] = [
        RandomBatchInteractionSum(batchSize: 4),
        RandomBatchInteractionSum(batchSize: 5),
        RandomBatchReplacementInteractionSum(batchSize: 4),
        RandomBatchReplacementInteractionSum(batchSize: 16),
        BernoulliInteractionSum(keepProbability: 0.2),
        BernoulliInteractionSum(keepProbability: 1),
        UniformColumnInteractionSum(samples: 5),
    ]

    @Test("each closed-form variance matches the measured variance within 4 SE, and zero bias is not rejected",
          arguments: schemes.indices)
    func closedFormMatchesMeasurement(index: Int) {
        let estimator = Self.schemes[index]
        let theory = estimator.theoreticalMeanSquaredError(Self.moments).reduce(0, +) / Double(Self.particles)
        let s = Self.measure(estimator, seed: 77 + UInt64(index))
        let label = "\(estimator.name)(\(estimator.size ?? .nan))"
        if theory == 0 {
            #expect(s.variance.value < 1e-24, "\(label): variance \(s.variance.value) for a zero law")
        } else {
            #expect(abs(s.variance.value - theory) <= 4 * s.variance.standardError,
                    "\(label): variance \(s.variance.value) ± \(s.variance.standardError), theory \(theory)")
            #expect(abs(s.meanSquaredError.value - theory) <= 4 * s.meanSquaredError.standardError,
                    "\(label): MSE \(s.meanSquaredError.value) ± \(s.meanSquaredError.standardError), theory \(theory)")
        }
        #expect(s.biasPValue > 1e-3, "\(label): zero bias rejected, p = \(s.biasPValue), bias \(s.bias.value) ± \(s.bias.standardError)")
    }

    @Test("with replacement costs the finite-population factor (N−2)/(N−p) over random batch")
    func replacementFactor() {
        let p = 4, n = Double(Self.particles)
        let with = RandomBatchReplacementInteractionSum(batchSize: p).theoreticalMeanSquaredError(Self.moments)
        let without = RandomBatchInteractionSum(batchSize: p).theoreticalMeanSquaredError(Self.moments)
        for i in 0..<Self.particles {
            #expect(abs(with[i] / without[i] - (n - 2) / (n - Double(p))) < 1e-12)
        }
    }

    @Test("Bernoulli over random batch at matched cost is (N−2)/(N−1) + ‖y‖²/Λ")
    func bernoulliAgainstRandomBatch() {
        let p = 4, n = Double(Self.particles)
        let pi = Double(p - 1) / (n - 1)
        let bernoulli = BernoulliInteractionSum(keepProbability: pi).theoreticalMeanSquaredError(Self.moments)
        let batch = RandomBatchInteractionSum(batchSize: p).theoreticalMeanSquaredError(Self.moments)
        for i in 0..<Self.particles {
            let predicted = (n - 2) / (n - 1) + Self.moments.meanSquaredNorm(of: i) / Self.moments.spread[i]
            #expect(abs(bernoulli[i] / batch[i] - predicted) < 1e-10 * predicted)
        }
    }

    @Test("measured bias test rejects a deliberately biased estimator")
    func biasTestHasPower() {
        // Random batch with weight 1/p instead of 1/(p−1): biased by the factor (p−1)/p.
        struct Shrunk: InteractionSumEstimator {
            let base = RandomBatchInteractionSum(batchSize: 4)
            var name: String { "shrunk" }
            var size: Double? { 4 }
            var isUnbiased: Bool { false }
            func expectedCost(particles: Int) -> Double { 3 }
            func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>, particles: Int,
                          dimension: Int, into out: UnsafeMutableBufferPointer<Double>, workspace: EstimatorWorkspace,
                          stream: RandomStream) {
                base.estimate(interaction: interaction, positions: positions, particles: particles, dimension: dimension,
                              into: out, workspace: workspace, stream: stream)
                for k in 0..<(particles * dimension) { out[k] *= 0.75 }
            }
        }
        let s = Self.measure(Shrunk(), seed: 9)
        #expect(s.biasPValue < 1e-6, "p = \(s.biasPValue)")
        #expect(s.bias.value > 4 * s.bias.standardError)
    }
}
