import Foundation
import Testing
import Estimators
import NumericsCore
import ParticleSystems

@Suite("Reference problems")
struct ReferenceProblemTests {
    @Test("linear mean field: Euler–Maruyama second moment matches the closed form up to O(τ)")
    func linearSecondMomentMatchesClosedForm() {
        let n = 16, d = 2, horizon = 1.0, dt = 1.0 / 256, trajectories = 400
        let model = LinearMeanField(confinement: 1, coupling: 0.5, noise: 0.5, initialStandardDeviation: 1)
        let problem = model.problem(particles: n, dimension: d)
        let drift = ParticleDrift(problem: problem, estimator: ExactInteractionSum())
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        var moments = RunningMoments()
        let steps = Int(horizon / dt)
        for t in 0..<trajectories {
            var x = [Double](repeating: 0, count: n * d)
            problem.initialCondition.fill(&x, particles: n, dimension: d,
                                          stream: RandomStream(seed: 5, trajectory: UInt64(t), purpose: .initialCondition))
            var path = [Double](repeating: 0, count: steps * n * d)
            RandomStream(seed: 5, trajectory: UInt64(t), purpose: .brownianNoise).fillGaussian(&path, scale: dt.squareRoot())
            let outcome = EulerMaruyamaIntegrator().integrate(&x, timeStep: dt, steps: steps, drift: drift, brownianPath: path,
                                                               workspace: workspace, stream: RandomStream(seed: 5, purpose: .estimatorDraws))
            #expect(outcome.isClean)
            moments.add(x.reduce(0) { $0 + $1 * $1 } / Double(n))
        }
        let exact = model.expectedSecondMoment(time: horizon, particles: n, dimension: d)
        // 4 SE of the Monte Carlo mean plus the O(τ) weak bias of Euler–Maruyama (≈ 2τ·f here).
        let bias = 2 * dt * exact
        #expect(abs(moments.mean - exact) <= 4 * moments.standardErrorOfMean + bias,
                "EM \(moments.mean) ± \(moments.standardErrorOfMean), exact \(exact)")
    }

    @Test("dyson: a batch of two at a coarse step makes particles cross, and the integrator reports it")
    func dysonCrossingIsReported() {
        let n = 32
        let problem = ReferenceProblem.dyson.make(particles: n, dimension: 1, noise: nil)
        var x = [Double](repeating: 0, count: n)
        problem.initialCondition.fill(&x, particles: n, dimension: 1, stream: RandomStream(seed: 1, purpose: .initialCondition))
        #expect(OrderingMonitor(x).isPreserved(by: x))
        let drift = ParticleDrift(problem: problem, estimator: RandomBatchInteractionSum(batchSize: 2))
        let outcome = EulerMaruyamaIntegrator().integrate(&x, timeStep: 0.1, steps: 20, drift: drift,
                                                           workspace: IntegratorWorkspace(particles: n, dimension: 1),
                                                           stream: RandomStream(seed: 1, purpose: .batchPartition))
        #expect(outcome.firstCrossingStep != nil)
    }

    @Test("semicircle quantiles invert the semicircle CDF")
    func semicircleQuantiles() {
        let law = SemicircleLaw(radius: 1.5)
        for u in stride(from: 0.01, through: 0.99, by: 0.07) {
            #expect(abs(law.cdf(law.quantile(u)) - u) <= 1e-12)
        }
    }
}
