import Foundation
import Estimators
import NumericsCore
import ParticleSystems
import Testing

/// Deterministic orders of the fixed-step integrators on the smooth reference problem (σ = 0),
/// measured against the adaptive rk8pd reference at the horizon T = 1.
@Suite("Integrator orders")
struct IntegratorOrderTests {
    static let horizon = 1.0

    /// The smooth problem (N = 8, d = 2, σ = 0), its exact drift and a fixed X(0).
    static func setup() -> (drift: ParticleDrift, initial: [Double]) {
        let problem = ReferenceProblem.smooth.make(particles: 8, dimension: 2, noise: 0)
        var initial = [Double](repeating: 0, count: problem.particles * problem.dimension)
        problem.initialCondition.fill(&initial, particles: problem.particles, dimension: problem.dimension,
                                      stream: RandomStream(seed: 20_240_601, purpose: .initialCondition))
        return (ParticleDrift(problem: problem, estimator: ExactInteractionSum()), initial)
    }

    static func reference() throws -> [Double] {
        let (drift, initial) = setup()
        var x = initial
        try AdaptiveReferenceIntegrator(drift: drift, absoluteTolerance: 1e-13, relativeTolerance: 1e-13)
            .integrate(&x, from: 0, to: horizon)
        return x
    }

    /// X(T) from a fixed-step integrator with dt = T/steps.
    static func solve(_ integrator: any Integrator, steps: Int) -> [Double] {
        let (drift, initial) = setup()
        var x = initial
        let outcome = integrator.integrate(&x, timeStep: horizon / Double(steps), steps: steps, drift: drift,
                                          workspace: IntegratorWorkspace(particles: 8, dimension: 2),
                                          stream: RandomStream(seed: 1, purpose: .estimatorDraws))
        precondition(outcome.isClean, "integration failed: \(outcome)")
        return x
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }

    /// Ordinary least-squares slope of log e on log dt (the error is deterministic: no weights).
    static func logLogSlope(steps: [Double], errors: [Double]) -> Double {
        let x = steps.map { log($0) }, y = errors.map { log($0) }
        let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
        let sxy = zip(x, y).reduce(0.0) { $0 + ($1.0 - mx) * ($1.1 - my) }
        let sxx = x.reduce(0.0) { $0 + ($1 - mx) * ($1 - mx) }
        return sxy / sxx
    }

    @Test("global error slopes are 1, 2 and 4 for Euler, Heun and RK4 (±0.1)",
          arguments: [
            (EulerMaruyamaIntegrator() as any Integrator, [32, 64, 128, 256, 512]),
            (HeunIntegrator() as any Integrator, [16, 32, 64, 128, 256]),
            (RungeKutta4Integrator() as any Integrator, [8, 16, 32, 64]),
          ])
    func deterministicOrder(_ integrator: any Integrator, stepCounts: [Int]) throws {
        let reference = try Self.reference()
        let dts = stepCounts.map { Self.horizon / Double($0) }
        let errors = stepCounts.map { Self.distance(Self.solve(integrator, steps: $0), reference) }
        let slope = Self.logLogSlope(steps: dts, errors: errors)
        // The reference is accurate to ≈ 1e-13 here: every error must stay well above it.
        #expect(errors.allSatisfy { $0 > 1e-11 }, "\(integrator.name): errors \(errors) reach the reference's accuracy")
        #expect(abs(slope - Double(integrator.deterministicOrder)) < 0.1,
                "\(integrator.name): slope \(slope), errors \(errors) at dt \(dts)")
    }

    @Test("adaptive reference agrees with RK4 at a tiny step to 1e-10")
    func referenceAgreesWithFineRK4() throws {
        let reference = try Self.reference()
        let rk4 = Self.solve(RungeKutta4Integrator(), steps: 1024)
        let maxDifference = zip(reference, rk4).map { abs($0 - $1) }.max()!
        #expect(maxDifference < 1e-10, "max |reference − RK4(dt = 1/1024)| = \(maxDifference)")
    }

    @Test("adaptive reference is insensitive to tightening its tolerances")
    func referenceToleranceConsistency() throws {
        let (drift, initial) = Self.setup()
        var loose = initial, tight = initial
        let solver = AdaptiveReferenceIntegrator(drift: drift)  // defaults 1e-12 / 1e-12
        try solver.integrate(&loose, to: Self.horizon)
        #expect(solver.statistics.accepted > 0 && solver.statistics.driftEvaluations > solver.statistics.accepted)
        try AdaptiveReferenceIntegrator(drift: drift, absoluteTolerance: 1e-14, relativeTolerance: 1e-14)
            .integrate(&tight, to: Self.horizon)
        #expect(Self.distance(loose, tight) < 1e-10)
        // The one-shot form gives the same answer as the default instance.
        #expect(try AdaptiveReferenceIntegrator.solve(initial, drift: drift, horizon: Self.horizon) == loose)
    }
}
