import Estimators
import NumericsCore
import ParticleSystems
import Testing

/// The consistency lemma of the Random Batch Method (Jin–Li–Liu, arXiv 1812.10575, Lemma 3.1)
/// at a fixed configuration of the smooth problem: for χᵢ = ŷᵢ − yᵢ,
/// E χᵢ = 0 and E‖χᵢ‖² = (E[1/(s−1)] − 1/(N−1))·Λᵢ, with E[1/(s−1)] = 1/(p−1) when p | N.
@Suite("Random batch consistency lemma")
struct RandomBatchLemmaTests {
    static let particles = 16, dimension = 2, draws = 20_000

    static let problem = ReferenceProblem.smooth.make(particles: particles, dimension: dimension, noise: 0)

    static let configuration: [Double] = {
        var x = [Double](repeating: 0, count: particles * dimension)
        problem.initialCondition.fill(&x, particles: particles, dimension: dimension,
                                      stream: RandomStream(seed: 31_415, purpose: .configuration))
        return x
    }()

    static func estimate(_ estimator: any InteractionSumEstimator, stream: RandomStream,
                         workspace: EstimatorWorkspace, into out: inout [Double]) {
        configuration.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                estimator.estimate(interaction: problem.interaction, positions: x, particles: particles,
                                   dimension: dimension, into: y, workspace: workspace, stream: stream)
            }
        }
    }

    static let exact: [Double] = {
        var y = [Double](repeating: 0, count: particles * dimension)
        estimate(ExactInteractionSum(), stream: RandomStream(seed: 0, purpose: .estimatorDraws),
                 workspace: EstimatorWorkspace(particles: particles), into: &y)
        return y
    }()

    /// Per-coordinate moments of ŷ and per-particle moments of ‖ŷᵢ − yᵢ‖² over `draws` draws.
    static func sample(batchSize p: Int) -> (coordinates: [RunningMoments], squaredErrors: [RunningMoments]) {
        let estimator = RandomBatchInteractionSum(batchSize: p)
        let stream = RandomStream(seed: 2718, purpose: .estimatorDraws, index: UInt32(p))
        let workspace = EstimatorWorkspace(particles: particles)
        var out = [Double](repeating: 0, count: particles * dimension)
        var coordinates = [RunningMoments](repeating: RunningMoments(), count: particles * dimension)
        var squaredErrors = [RunningMoments](repeating: RunningMoments(), count: particles)
        for _ in 0..<draws {
            estimate(estimator, stream: stream, workspace: workspace, into: &out)
            for i in 0..<particles {
                var squared = 0.0
                for c in 0..<dimension {
                    let k = i * dimension + c
                    coordinates[k].add(out[k])
                    squared += (out[k] - exact[k]) * (out[k] - exact[k])
                }
                squaredErrors[i].add(squared)
            }
        }
        return (coordinates, squaredErrors)
    }

    /// p = 4: p | N; p = 6, 7: remainders r = 4, 2 form a smaller batch; p = 3, 5: r = 1, the
    /// leftover joins the last full batch.
    static let batchSizes = [4, 6, 7, 3, 5]

    @Test("random batch force is unbiased", arguments: batchSizes)
    func unbiased(batchSize p: Int) {
        let (coordinates, _) = Self.sample(batchSize: p)
        var outside: [String] = []
        for k in coordinates.indices {
            let m = coordinates[k]
            if abs(m.mean - Self.exact[k]) > 4 * m.standardErrorOfMean {
                outside.append("coordinate \(k): mean \(m.mean), exact \(Self.exact[k]), SE \(m.standardErrorOfMean)")
            }
        }
        #expect(outside.isEmpty, "p = \(p): \(outside)")
    }

    @Test("random batch variance equals (1/(p−1) − 1/(N−1))·Λᵢ", arguments: batchSizes)
    func varianceMatchesLemma(batchSize p: Int) {
        let estimator = RandomBatchInteractionSum(batchSize: p)
        let factor = estimator.varianceFactor(particles: Self.particles)
        if Self.particles % p == 0 {
            #expect(abs(factor - (1.0 / Double(p - 1) - 1.0 / Double(Self.particles - 1))) < 1e-15)
        }
        let (_, squaredErrors) = Self.sample(batchSize: p)
        var outside: [String] = []
        for i in 0..<Self.particles {
            let spread = interactionSpread(of: i, interaction: Self.problem.interaction, positions: Self.configuration,
                                           particles: Self.particles, dimension: Self.dimension)
            let theory = factor * spread, m = squaredErrors[i]
            if abs(m.mean - theory) > 4 * m.standardErrorOfMean {
                outside.append("particle \(i): E‖χ‖² = \(m.mean) ± \(m.standardErrorOfMean), theory \(theory)")
            }
        }
        #expect(outside.isEmpty, "p = \(p), g = \(factor): \(outside)")
    }

    @Test("variance factor follows the documented batch rule when p does not divide N")
    func varianceFactorForRemainders() {
        // N = 16, p = 5: batches 5, 5, 6 (r = 1 joins the last full batch); p = 6: 6, 6, 4.
        let n = Self.particles
        #expect(BatchPartition(particles: n, batchSize: 5).sizes == [5, 5, 6])
        #expect(BatchPartition(particles: n, batchSize: 6).sizes == [6, 6, 4])
        let g5 = 10.0 / 16 / 4 + 6.0 / 16 / 5 - 1.0 / 15
        let g6 = 12.0 / 16 / 5 + 4.0 / 16 / 3 - 1.0 / 15
        #expect(abs(RandomBatchInteractionSum(batchSize: 5).varianceFactor(particles: n) - g5) < 1e-15)
        #expect(abs(RandomBatchInteractionSum(batchSize: 6).varianceFactor(particles: n) - g6) < 1e-15)
    }

    @Test("zero variance at p = N")
    func zeroVarianceAtFullBatch() {
        let estimator = RandomBatchInteractionSum(batchSize: Self.particles)
        #expect(estimator.varianceFactor(particles: Self.particles) == 0)
        let stream = RandomStream(seed: 5, purpose: .estimatorDraws)
        let workspace = EstimatorWorkspace(particles: Self.particles)
        var out = [Double](repeating: 0, count: Self.particles * Self.dimension)
        var largest = 0.0
        for _ in 0..<100 {
            Self.estimate(estimator, stream: stream, workspace: workspace, into: &out)
            largest = max(largest, zip(out, Self.exact).map { abs($0 - $1) }.max()!)
        }
        // Only the summation order changes between draws.
        #expect(largest < 1e-14, "max |ŷ − y| = \(largest)")
    }
}
