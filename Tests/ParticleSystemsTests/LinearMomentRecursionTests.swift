import Foundation
import Estimators
import NumericsCore
import ParticleSystems
import Testing

/// The exact second-moment recursions of Euler–Maruyama, RBM-1 and RBM-r on the linear system.
@Suite("Linear system: exact moments of the schemes")
struct LinearMomentRecursionTests {
    static let system = ReferenceProblem.linear.linearMeanField(noise: 0.5)!

    @Test("Euler–Maruyama's exact E f converges to the SDE's closed form at order 1")
    func eulerConvergesToTheClosedFormAtOrderOne() {
        let moments = LinearMeanFieldMoments(system: Self.system, particles: 16, dimension: 2)
        let exact = Self.system.expectedSecondMoment(time: 1, particles: 16, dimension: 2)
        let errors = [0.02, 0.01, 0.005].map { moments.eulerSecondMoment(time: 1, timeStep: $0) - exact }
        #expect(abs(errors[2]) < 0.01 * exact)
        for k in 0..<2 { #expect(abs(log2(errors[k] / errors[k + 1]) - 1) < 0.05) }
    }

    @Test("the stationary E f of RBM tends to the invariant measure's closed form as τ → 0, at order 1")
    func randomBatchStationaryMomentTendsToTheInvariantMeasure() {
        let moments = LinearMeanFieldMoments(system: Self.system, particles: 16, dimension: 1)
        let invariant = moments.stationarySecondMoment
        // The closed form is the t → ∞ limit of the transient closed form.
        #expect(abs(invariant - Self.system.expectedSecondMoment(time: 60, particles: 16, dimension: 1)) < 1e-14)
        for p in [2, 4, 16] {
            let errors = [0.04, 0.02, 0.01].map { moments.randomBatchStationarySecondMoment(timeStep: $0, batchSize: p)! - invariant }
            for k in 0..<2 { #expect(abs(log2(errors[k] / errors[k + 1]) - 1) < 0.1) }
            // The fixed point is where the transient recursion ends up.
            let late = moments.randomBatchSecondMoment(time: 40, timeStep: 0.02, batchSize: p)
            #expect(abs(late - moments.randomBatchStationarySecondMoment(timeStep: 0.02, batchSize: p)!) < 1e-12)
        }
        // An unstable step has no stationary state.
        #expect(moments.randomBatchStationarySecondMoment(timeStep: 1.5, batchSize: 2) == nil)
    }

    @Test("RBM-r's exact E f matches Monte Carlo of RandomBatchReplacementIntegrator within 4 SE")
    func replacementRecursionMatchesTheIntegrator() {
        let n = 8, d = 1, p = 2, tau = 0.25, steps = 4, runs = 4_000
        let problem = ReferenceProblem.linear.make(particles: n, dimension: d, noise: 0.5)
        let drift = ParticleDrift(problem: problem, estimator: ExactInteractionSum())
        let integrator = RandomBatchReplacementIntegrator(batchSize: p)
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let signal = [Double](repeating: 0, count: n * d)
        var moments = RunningMoments()
        for r in 0..<runs {
            var x = [Double](repeating: 0, count: n * d)
            problem.initialCondition.fill(&x, particles: n, dimension: d, stream: RandomStream(seed: 31, trajectory: UInt64(r), purpose: .initialCondition))
            let stream = RandomStream(seed: 31, trajectory: UInt64(r), purpose: .batchPartition)
            signal.withUnsafeBufferPointer { s in
                for _ in 0..<steps { integrator.step(&x, timeStep: tau, brownianIncrement: s, drift: drift, workspace: workspace, stream: stream) }
            }
            moments.add(x.reduce(0) { $0 + $1 * $1 } / Double(n))
        }
        let exact = LinearMeanFieldMoments(system: Self.system, particles: n, dimension: d)
            .replacementSecondMoment(time: Double(steps) * tau, timeStep: tau, batchSize: p)
        #expect(abs(moments.mean - exact) < 4 * moments.standardErrorOfMean)
        // And it differs from the SDE by more than the noise: the test can tell the two apart.
        let sde = Self.system.expectedSecondMoment(time: Double(steps) * tau, particles: n, dimension: d)
        #expect(abs(exact - sde) > 4 * moments.standardErrorOfMean)
    }
}
