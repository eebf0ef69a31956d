import Claims
import CuckerSmaleLike
import Estimators
import Foundation
import ParticleSystems
import Studies
import Testing

/// The Random Batch Method's theorems on a model this package defines (Jin, Li, Liu,
/// arXiv 1812.10575), checked with rbm-study's claim API.
@Suite("Random Batch Method on a Cucker–Smale-like model")
struct RandomBatchTheoremTests {
    static let problem = ParticleProblem.cuckerSmaleLike(particles: 32, noise: 0.4)

    @Test("consistency lemma: the random batch sum is unbiased with variance (1/(p−1) − 1/(N−1))·Λᵢ")
    func consistencyLemma() throws {
        let claim = ConsistencyLemmaClaim(problem: Self.problem, estimator: RandomBatchInteractionSum(batchSize: 4))
        let outcome = try claim.check(seed: 2026, threads: 2)
        #expect(outcome.holds, "\(outcome.explanation)")
    }

    @Test("batch order: the RBM batch error decreases like τ^{1/2}")
    func batchOrderOneHalf() throws {
        let model = try ConvergenceModel(problem: Self.problem, estimatorName: "random-batch",
                                         estimator: { RandomBatchInteractionSum(batchSize: $0) })
        var grid = ConvergenceConfiguration()
        grid.batchSizes = [2, 4]
        grid.timeSteps = [1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128]
        grid.horizon = 1
        grid.trajectories = 100
        grid.bootstrapReplicates = 0
        let claim = ConvergenceOrderClaim(subject: .custom(model, grid), kind: .batch, batchSize: 2, order: 0.5, tolerance: 0.1)
        let outcome = try claim.check(seed: 2026, threads: 2)
        #expect(outcome.holds, "\(outcome.explanation)")
    }

    @Test("negative control: the batch order is not 1")
    func batchOrderIsNotOne() throws {
        let model = try ConvergenceModel(problem: Self.problem, estimatorName: "random-batch",
                                         estimator: { RandomBatchInteractionSum(batchSize: $0) })
        var grid = ConvergenceConfiguration()
        grid.batchSizes = [2]
        grid.timeSteps = [1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64]
        grid.horizon = 1
        grid.trajectories = 100
        grid.bootstrapReplicates = 0
        let claim = ConvergenceOrderClaim(subject: .custom(model, grid), kind: .batch, batchSize: 2, order: 1, tolerance: 0.1)
        #expect(try claim.check(seed: 2026, threads: 2).verdict == .rejected)
    }
}
