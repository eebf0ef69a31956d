import Estimators
import Foundation
import NumericsCore
import ParticleSystems
import Testing

/// The Thomson problem on S² and bounded-confidence opinion dynamics as particle systems: known
/// minima, the sphere constraint, unbiased batch drift under a discontinuous kernel, cluster
/// counting and the monotonicity facts of the σ = 0 dynamics.
@Suite("Thomson and opinion dynamics")
struct ThomsonAndOpinionDynamicsTests {
    static let seed: UInt64 = 7_331

    static func initial(_ problem: ParticleProblem, trajectory: Int) -> [Double] {
        var x = [Double](repeating: 0, count: problem.particles * problem.dimension)
        problem.initialCondition.fill(&x, particles: problem.particles, dimension: problem.dimension,
                                      stream: RandomStream(seed: seed, trajectory: UInt64(trajectory), purpose: .initialCondition))
        return x
    }

    @Test("Thomson energy of the regular tetrahedron and octahedron equals the known minima for N = 4, 6")
    func regularPolyhedraHaveTheKnownMinimalEnergies() {
        let s = 1 / 3.0.squareRoot()
        let tetrahedron = [s, s, s, s, -s, -s, -s, s, -s, -s, -s, s]
        let octahedron: [Double] = [1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 1, 0, 0, -1]
        #expect(abs(ThomsonProblem.energy(tetrahedron, particles: 4, dimension: 3) - ThomsonProblem.minimalEnergies[4]!) < 1e-9)
        #expect(abs(ThomsonProblem.energy(octahedron, particles: 6, dimension: 3) - ThomsonProblem.minimalEnergies[6]!) < 1e-9)
    }

    @Test("the tangent projection keeps ‖xᵢ‖ = 1: the sphere drift is tangent, projected Euler (exact and RBM) stays on S², and the rk8pd flow preserves the norms")
    func tangentProjectionKeepsUnitNorms() throws {
        let n = 12
        let problem = ReferenceProblem.thomson.make(particles: n, dimension: 3, noise: nil)
        let x0 = Self.initial(problem, trajectory: 0)
        for i in 0..<n { #expect(abs((0..<3).reduce(0) { $0 + x0[3 * i + $1] * x0[3 * i + $1] } - 1) < 1e-15) }
        for p in [2, 4, 12] {
            let drift = ParticleDrift(problem: problem, estimator: p == n ? ExactInteractionSum() : RandomBatchInteractionSum(batchSize: p))
            var out = [Double](repeating: 0, count: 3 * n)
            x0.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer {
                    drift.evaluate(x, into: $0, workspace: EstimatorWorkspace(particles: n), stream: RandomStream(seed: Self.seed, purpose: .estimatorDraws))
                }
            }
            for i in 0..<n {
                let radial = (0..<3).reduce(0) { $0 + x0[3 * i + $1] * out[3 * i + $1] }
                let size = (0..<3).reduce(0) { $0 + out[3 * i + $1] * out[3 * i + $1] }.squareRoot()
                #expect(abs(radial) <= 1e-14 * max(1, size), "p = \(p), particle \(i): radial drift \(radial)")
            }
            var x = x0
            let outcome = EulerMaruyamaIntegrator().integrate(&x, timeStep: 0.125, steps: 64, drift: drift,
                                                              workspace: IntegratorWorkspace(particles: n, dimension: 3),
                                                              stream: RandomStream(seed: Self.seed, purpose: .batchPartition))
            #expect(outcome.isClean)
            for i in 0..<n {
                let norm = (0..<3).reduce(0) { $0 + x[3 * i + $1] * x[3 * i + $1] }.squareRoot()
                #expect(abs(norm - 1) < 1e-14, "p = \(p), particle \(i): ‖x‖ = \(norm)")
            }
        }
        var y = x0
        try AdaptiveReferenceIntegrator(problem: problem).integrate(&y, from: 0, to: 16)
        for i in 0..<n {
            let norm = (0..<3).reduce(0) { $0 + y[3 * i + $1] * y[3 * i + $1] }.squareRoot()
            #expect(abs(norm - 1) < 1e-9, "rk8pd without retraction, particle \(i): ‖x‖ = \(norm)")
        }
    }

    @Test("Thomson initial points are unit vectors at least 1/√N apart", arguments: [4, 12, 32, 100])
    func initialPointsAreSeparated(n: Int) {
        let problem = ReferenceProblem.thomson.make(particles: n, dimension: 3, noise: nil)
        let x = Self.initial(problem, trajectory: 3)
        var closest = Double.infinity
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                closest = min(closest, (0..<3).reduce(0) { let z = x[3 * i + $1] - x[3 * j + $1]; return $0 + z * z }.squareRoot())
            }
        }
        #expect(closest >= 1 / Double(n).squareRoot(), "closest pair \(closest) for N = \(n)")
    }

    @Test("opinion: the RBM batch drift is unbiased under the discontinuous kernel (mean over 4000 batch draws equals the full drift within 4 SE in every coordinate)")
    func opinionBatchDriftIsUnbiased() {
        let n = 32, draws = 4_000
        let problem = OpinionDynamics().problem(particles: n)
        let x = Self.initial(problem, trajectory: 0)
        let workspace = EstimatorWorkspace(particles: n)
        func drift(_ estimator: any InteractionSumEstimator, _ stream: RandomStream) -> [Double] {
            var out = [Double](repeating: 0, count: n)
            x.withUnsafeBufferPointer { px in
                out.withUnsafeMutableBufferPointer { ParticleDrift(problem: problem, estimator: estimator).evaluate(px, into: $0, workspace: workspace, stream: stream) }
            }
            return out
        }
        let full = drift(ExactInteractionSum(), RandomStream(seed: Self.seed, purpose: .estimatorDraws))
        for p in [2, 5] {
            var moments = [RunningMoments](repeating: RunningMoments(), count: n)
            let stream = RandomStream(seed: Self.seed, trajectory: UInt64(p), purpose: .estimatorDraws)
            for _ in 0..<draws {
                let sample = drift(RandomBatchInteractionSum(batchSize: p), stream)
                for i in 0..<n { moments[i].add(sample[i]) }
            }
            var informative = 0
            for i in 0..<n {
                let se = moments[i].standardErrorOfMean
                if se > 0 { informative += 1 }
                #expect(abs(moments[i].mean - full[i]) <= 4 * se + 1e-14 * max(1, abs(full[i])),
                        "p = \(p), particle \(i): mean \(moments[i].mean) ± \(se), full \(full[i])")
            }
            #expect(informative >= n / 2, "p = \(p): the batch drift should be random for most particles")
        }
    }

    @Test("cluster counting on hand-made configurations: a new cluster at every sorted gap ≥ the threshold")
    func clusterCountingOnHandMadeConfigurations() {
        let clusters = OpinionClusters(gapThreshold: 0.5)
        #expect(clusters.count([]) == 0)
        #expect(clusters.count([3]) == 1)
        #expect(clusters.count([0, 0.1, 0.2, 1.0, 1.1, 5]) == 3)
        #expect(clusters.count([5, 1.1, 0.2, 1.0, 0, 0.1]) == 3)
        #expect(clusters.count([0, 0.5]) == 2)
        #expect(clusters.count([0, 0.49, 0.98, 1.47]) == 1)
        #expect(clusters.count([2, 2, 2]) == 1)
        #expect(OpinionClusters(gapThreshold: 2).count([0, 1.5, 3, 6]) == 2)
    }

    @Test("opinion, σ = 0: opinions within one confidence radius contract to their mean, and the cluster count only decreases to 1 (exact sum and RBM, τα ≤ 1)")
    func clustersMergeMonotonicallyWithinOneRadius() {
        let n = 10
        let problem = OpinionDynamics().problem(particles: n, noise: 0)
        let x0: [Double] = [0, 0.05, 0.1, 0.2, 0.3, 0.9, 0.95, 1.0, 0.6, 0.65]
        let mean = x0.reduce(0, +) / Double(n)
        let clusters = OpinionClusters(gapThreshold: 0.2)
        for (name, estimator) in [("exact", ExactInteractionSum()), ("rbm-2", RandomBatchInteractionSum(batchSize: 2))] as [(String, any InteractionSumEstimator)] {
            var x = x0
            var counts = [clusters.count(x)]
            let drift = ParticleDrift(problem: problem, estimator: estimator)
            let workspace = IntegratorWorkspace(particles: n, dimension: 1)
            let stream = RandomStream(seed: Self.seed, purpose: .batchPartition)
            for _ in 0..<200 {
                EulerMaruyamaIntegrator().integrate(&x, timeStep: 1.0 / 16, steps: 1, drift: drift, workspace: workspace, stream: stream)
                counts.append(clusters.count(x))
            }
            #expect(counts.first == 3 && counts.last == 1, "\(name): counts \(counts.first!) → \(counts.last!)")
            #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 >= $1 }, "\(name): cluster count increased")
            #expect(x.allSatisfy { abs($0 - mean) < 1e-9 }, "\(name): not at the conserved mean \(mean)")
        }
    }

    @Test("opinion, σ = 0: groups more than one radius apart never merge back (their count never decreases), and at late times they are the r/2-clusters")
    func separatedGroupsNeverMerge() {
        let n = 64
        let problem = OpinionDynamics().problem(particles: n, noise: 0)
        let separated = OpinionClusters(gapThreshold: 1 + 1e-12)
        for trajectory in 0..<4 {
            for (name, estimator) in [("exact", ExactInteractionSum()), ("rbm-4", RandomBatchInteractionSum(batchSize: 4))] as [(String, any InteractionSumEstimator)] {
                var x = Self.initial(problem, trajectory: trajectory)
                var counts = [separated.count(x)]
                let drift = ParticleDrift(problem: problem, estimator: estimator)
                let workspace = IntegratorWorkspace(particles: n, dimension: 1)
                let stream = RandomStream(seed: Self.seed, trajectory: UInt64(trajectory), purpose: .batchPartition)
                for _ in 0..<80 {
                    EulerMaruyamaIntegrator().integrate(&x, timeStep: 1.0 / 16, steps: 8, drift: drift, workspace: workspace, stream: stream)
                    counts.append(separated.count(x))
                }
                #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 <= $1 }, "\(name), trajectory \(trajectory): \(counts)")
                #expect(OpinionClusters().count(x) == counts.last!, "\(name), trajectory \(trajectory): clusters at T = 40")
                #expect(counts.last! >= 3 && counts.last! <= 7, "\(name), trajectory \(trajectory): \(counts.last!) clusters from a spread of 10")
            }
        }
    }
}
