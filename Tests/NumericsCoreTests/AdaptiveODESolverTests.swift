import Foundation
import NumericsCore
import Testing

@Suite("Adaptive ODE solver (GSL odeiv2, rk8pd)")
struct AdaptiveODESolverTests {
    /// y″ = −y as a first-order system: y(t) = (cos t, −sin t) from (1, 0).
    static func oscillator(absoluteTolerance: Double = 1e-12, relativeTolerance: Double = 1e-12,
                           maximumSteps: Int = 1_000_000) -> AdaptiveODESolver {
        AdaptiveODESolver(dimension: 2, absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance,
                          maximumSteps: maximumSteps) { _, y, dydt in
            dydt[0] = y[1]
            dydt[1] = -y[0]
        }
    }

    @Test("harmonic oscillator is integrated to 1e-10 forward and back")
    func harmonicOscillator() throws {
        let solver = Self.oscillator()
        var y = [1.0, 0.0]
        try solver.solve(&y, from: 0, to: 10)
        #expect(abs(y[0] - cos(10.0)) < 1e-10 && abs(y[1] + sin(10.0)) < 1e-10, "y(10) = \(y)")
        #expect(solver.stepsTaken > 0 && solver.functionEvaluations > solver.stepsTaken)
        try solver.solve(&y, from: 10, to: 0)
        #expect(abs(y[0] - 1) < 1e-10 && abs(y[1]) < 1e-10, "y(10 → 0) = \(y)")
    }

    @Test("repeated solves are reproducible and start afresh")
    func repeatedSolvesReproducible() throws {
        let solver = Self.oscillator()
        var a = [1.0, 0.0], b = [1.0, 0.0]
        try solver.solve(&a, from: 0, to: 3)
        let steps = solver.stepsTaken
        try solver.solve(&b, from: 0, to: 3)
        #expect(a == b && solver.stepsTaken == steps)
        var c = [1.0, 0.0]
        try solver.solve(&c, from: 2, to: 2)
        #expect(c == [1.0, 0.0] && solver.stepsTaken == 0)
    }

    @Test("time-dependent right-hand side: y′ = cos t gives y = sin t")
    func timeDependent() throws {
        let solver = AdaptiveODESolver(dimension: 1) { t, _, dydt in dydt[0] = cos(t) }
        var y = [0.0]
        try solver.solve(&y, from: 0, to: 2)
        #expect(abs(y[0] - sin(2.0)) < 1e-11)
    }

    @Test("an exhausted step budget throws instead of aborting")
    func stepBudgetThrows() {
        let solver = Self.oscillator(maximumSteps: 3)
        var y = [1.0, 0.0]
        #expect(throws: NumericalLibraryError.self) { try solver.solve(&y, from: 0, to: 100) }
        #expect(y.allSatisfy { $0.isFinite })
    }

    @Test("a non-finite right-hand side throws instead of aborting")
    func nonFiniteRightHandSideThrows() {
        let solver = AdaptiveODESolver(dimension: 1) { t, y, dydt in dydt[0] = t > 0.5 ? .nan : -y[0] }
        var y = [1.0]
        #expect(throws: NumericalLibraryError.self) { try solver.solve(&y, from: 0, to: 1) }
    }
}
