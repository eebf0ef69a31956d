import Foundation
import Testing
import ParticleSystems
import Studies

/// The linear system's weak error against its closed-form expectation E f(X(T)).
@Suite("Weak error against the exact expectation")
struct WeakErrorAgainstExactTests {
    /// Euler–Maruyama at step h on the linear system, per relaxation mode of rate λ:
    /// v_{n+1} = (1 − λh)² v_n + σ²h, so E f of the reference is known exactly too.
    static func eulerSecondMoment(rateA a: Double, rateB b: Double, s2: Double, noise: Double, step h: Double, steps: Int,
                                  particles n: Int, dimension d: Int) -> Double {
        func relax(_ rate: Double) -> Double {
            var v = s2
            for _ in 0..<steps { v = (1 - rate * h) * (1 - rate * h) * v + noise * noise * h }
            return v
        }
        return Double(d) * (relax(a) / Double(n) + Double(n - 1) / Double(n) * relax(b))
    }

    @Test("the reference's weak bias matches Euler–Maruyama's closed-form bias within 4 SE, and 'vs exact' = paired weak error + that bias")
    func referenceWeakBiasIsEulerBias() throws {
        var c = ConvergenceConfiguration()
        c.system = .linear
        c.particles = 16
        c.batchSizes = [2, 4]
        c.timeSteps = [0.2, 0.1, 0.05]
        c.referenceRefinement = 4
        c.horizon = 1
        c.trajectories = 400
        c.threads = 2
        c.bootstrapReplicates = 0
        let report = try ConvergenceStudy.run(c)
        let exact = try #require(report.reference.exactExpectation)
        let n = 16, d = 2
        #expect(abs(exact - LinearMeanField(confinement: 1, coupling: 0.5, noise: 0.5, initialStandardDeviation: 1)
            .expectedSecondMoment(time: 1, particles: n, dimension: d)) < 1e-15)
        let h = 0.05 / 4
        let euler = Self.eulerSecondMoment(rateA: 1, rateB: 1 + 0.5 * Double(n) / Double(n - 1), s2: 1, noise: 0.5, step: h,
                                           steps: Int((1 / h).rounded()), particles: n, dimension: d)
        let bias = try #require(report.reference.weakBiasVsExact)
        #expect(abs(bias.value - (euler - exact)) <= 4 * bias.standardError, "bias \(bias.value) ± \(bias.standardError), Euler's \(euler - exact)")
        for level in report.levels {
            let vsExact = try #require(level.weakErrorVsExact)
            #expect(abs(vsExact.value - (level.weakError.value + bias.value)) <= 1e-12 * max(1, abs(exact)))
        }
    }
}
