import Foundation
import Estimators
import NumericsCore
import ParticleSystems
import Testing

/// RBM-r (random batch with replacement): per step ⌈N/p⌉ pseudo-steps, each
/// advancing one fresh uniformly drawn batch of p particles by a batch-local Euler step.
@Suite("Random batch with replacement (RBM-r)")
struct RandomBatchReplacementTests {
    static func smooth(particles n: Int, noise: Double = 0) -> (ParticleProblem, [Double]) {
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: 2, noise: noise)
        var x = [Double](repeating: 0, count: n * 2)
        problem.initialCondition.fill(&x, particles: n, dimension: 2,
                                      stream: RandomStream(seed: 99, purpose: .initialCondition))
        return (problem, x)
    }

    @Test("RBM-r advances the particles it picks by the batch-local Euler step and no others")
    func advancesPickedParticles() {
        let (problem, initial) = Self.smooth(particles: 8)
        let integrator = RandomBatchReplacementIntegrator(batchSize: 3)
        let batch: [Int32] = [6, 1, 3], h = 0.1
        var x = initial
        batch.withUnsafeBufferPointer {
            integrator.advance(&x, batch: $0, timeStep: h, problem: problem, noise: nil,
                               workspace: IntegratorWorkspace(particles: 8, dimension: 2))
        }
        for i in 0..<8 {
            let xi = Array(initial[(2 * i)..<(2 * i + 2)])
            if !batch.contains(Int32(i)) {
                #expect(Array(x[(2 * i)..<(2 * i + 2)]) == xi, "particle \(i) is not in the batch but moved")
                continue
            }
            // −∇V(x) = −x; K(z) = 0.25 z/√(1+‖z‖²); weight 1/(p−1) = 1/2.
            var force = [-xi[0], -xi[1]]
            for j in batch.map(Int.init) where j != i {
                let z = [xi[0] - initial[2 * j], xi[1] - initial[2 * j + 1]]
                let scale = 0.5 * 0.25 / (1 + z[0] * z[0] + z[1] * z[1]).squareRoot()
                force[0] += scale * z[0]
                force[1] += scale * z[1]
            }
            for c in 0..<2 {
                #expect(abs(x[2 * i + c] - (xi[c] + h * force[c])) < 1e-15, "particle \(i), coordinate \(c)")
            }
        }
    }

    @Test("RBM-r with p = N is one Euler step with the exact drift")
    func fullBatchIsEuler() {
        let (problem, initial) = Self.smooth(particles: 10)
        let workspace = IntegratorWorkspace(particles: 10, dimension: 2)
        let stream = RandomStream(seed: 3, purpose: .batchPartition)
        var rbm = initial, euler = initial
        RandomBatchReplacementIntegrator(batchSize: 10).step(&rbm, timeStep: 0.05, brownianIncrement: nil,
            drift: ParticleDrift(problem: problem, estimator: ExactInteractionSum()), workspace: workspace, stream: stream)
        EulerMaruyamaIntegrator().step(&euler, timeStep: 0.05, brownianIncrement: nil,
            drift: ParticleDrift(problem: problem, estimator: ExactInteractionSum()), workspace: workspace, stream: stream)
        #expect(zip(rbm, euler).allSatisfy { abs($0 - $1) < 1e-14 })
    }

    @Test("each particle is advanced in a step with probability 1 − (1 − p/N)^⌈N/p⌉")
    func pickProbability() {
        let n = 10, p = 3, steps = 4000
        let integrator = RandomBatchReplacementIntegrator(batchSize: p)
        #expect(integrator.pseudoSteps(particles: n) == 4)
        #expect(abs(integrator.pseudoStepSize(timeStep: 1, particles: n) - 10.0 / 12) < 1e-15)
        let (problem, initial) = Self.smooth(particles: n)
        let drift = ParticleDrift(problem: problem, estimator: ExactInteractionSum())
        let workspace = IntegratorWorkspace(particles: n, dimension: 2)
        let stream = RandomStream(seed: 4, purpose: .batchPartition)
        var moved = [RunningMoments](repeating: RunningMoments(), count: n)
        var x = initial
        for _ in 0..<steps {
            let before = x
            integrator.step(&x, timeStep: 1e-3, brownianIncrement: nil, drift: drift, workspace: workspace, stream: stream)
            for i in 0..<n { moved[i].add(x[2 * i] != before[2 * i] || x[2 * i + 1] != before[2 * i + 1] ? 1 : 0) }
        }
        let probability = 1 - pow(1 - Double(p) / Double(n), 4)
        let outside = moved.indices.filter { abs(moved[$0].mean - probability) > 4 * moved[$0].standardErrorOfMean }
        #expect(outside.isEmpty, "expected \(probability), got \(moved.map(\.mean))")
    }

    @Test("RBM-r noise has variance σ²τ per coordinate per step")
    func noiseVariance() {
        // No drift (V = K = 0): one step's displacement is σ√h·Σ ξ over the k picks of a
        // particle, with E k·h = τ, so its variance is σ²τ.
        let n = 10, p = 4, sigma = 0.5, tau = 0.01
        let problem = ParticleProblem(name: "free", particles: n, dimension: 2, potential: QuadraticPotential(strength: 0),
                                      interaction: LinearKernel(coupling: 0), noise: sigma,
                                      initialCondition: .gaussian(standardDeviation: 1), knownFacts: "")
        let drift = ParticleDrift(problem: problem, estimator: ExactInteractionSum())
        let integrator = RandomBatchReplacementIntegrator(batchSize: p)
        let workspace = IntegratorWorkspace(particles: n, dimension: 2)
        let stream = RandomStream(seed: 6, purpose: .brownianNoise)
        let signal = [Double](repeating: 0, count: 2 * n)  // values ignored: only marks the step stochastic
        var displacement = RunningMoments()
        for _ in 0..<5000 {
            var x = [Double](repeating: 0, count: 2 * n)
            signal.withUnsafeBufferPointer {
                integrator.step(&x, timeStep: tau, brownianIncrement: $0, drift: drift, workspace: workspace, stream: stream)
            }
            for v in x { displacement.add(v) }
        }
        #expect(abs(displacement.mean) < 4 * displacement.standardErrorOfMean)
        #expect(abs(displacement.variance - sigma * sigma * tau) < 4 * displacement.standardErrorOfVariance,
                "variance \(displacement.variance) ± \(displacement.standardErrorOfVariance), theory \(sigma * sigma * tau)")
        // Without an increment the step is deterministic: nothing moves when the drift is zero.
        var still = [Double](repeating: 0, count: 2 * n)
        integrator.step(&still, timeStep: tau, brownianIncrement: nil, drift: drift, workspace: workspace, stream: stream)
        #expect(still.allSatisfy { $0 == 0 })
    }

    @Test("RBM-r is reproducible from its stream key")
    func reproducible() {
        let (problem, initial) = Self.smooth(particles: 12, noise: 0.5)
        let drift = ParticleDrift(problem: problem, estimator: ExactInteractionSum())
        let signal = [Double](repeating: 0, count: 24)
        func run() -> [Double] {
            var x = initial
            let stream = RandomStream(seed: 8, trajectory: 2, purpose: .batchPartition)
            let workspace = IntegratorWorkspace(particles: 12, dimension: 2)
            for _ in 0..<20 {
                signal.withUnsafeBufferPointer {
                    RandomBatchReplacementIntegrator(batchSize: 5).step(&x, timeStep: 0.01, brownianIncrement: $0,
                        drift: drift, workspace: workspace, stream: stream)
                }
            }
            return x
        }
        let a = run()
        #expect(a == run() && a != initial)
    }
}
