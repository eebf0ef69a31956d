import Foundation
import Testing
import TestSupport
import NumericsCore
import ParticleSystems
import Claims
import Studies

@Suite("Convergence study")
struct ConvergenceStudyTests {
    @Test("RBM strong order is 1/2: batch error against full EM on shared noise")
    func batchErrorOrderIsOneHalf() throws {
        let report = try ConvergenceStudy.run(smallConvergenceConfiguration(threads: 2))
        for p in [2, 8] {
            let verdict = OrderClaim(kind: .batch, batchSize: p, order: 0.5, tolerance: 0.1).check(report)
            #expect(verdict.holds, "\(verdict.explanation)")
        }
    }

    @Test("Euler–Maruyama time error has strong order 1 for additive noise")
    func timeErrorOrderIsOne() throws {
        let report = try ConvergenceStudy.run(smallConvergenceConfiguration(threads: 2))
        let verdict = OrderClaim(kind: .time, order: 1, tolerance: 0.15).check(report)
        #expect(verdict.holds, "\(verdict.explanation)")
    }

    @Test("batch-error ratio between batch sizes follows √(g(p₁)/g(p₂))")
    func batchSizeRatioFollowsTheory() throws {
        let report = try ConvergenceStudy.run(smallConvergenceConfiguration(threads: 2))
        let ratio = try #require(report.batchSizeRatios.first)
        // 4 standard errors of the measured ratio, plus 5% for the O(τ) correction at finite τ.
        #expect(abs(ratio.measured.value - ratio.theory) <= 4 * ratio.measured.standardError + 0.05 * ratio.theory,
                "measured \(ratio.measured), theory \(ratio.theory)")
    }

    @Test("same seed gives bit-identical reports with 1 and with 2 threads")
    func reproducibleAcrossThreadCounts() throws {
        var c = smallConvergenceConfiguration()
        c.trajectories = 12
        c.threads = 1
        let one = try ConvergenceStudy.run(c)
        c.threads = 2
        let two = try ConvergenceStudy.run(c)
        #expect(one.levels.count == two.levels.count)
        for (a, b) in zip(one.levels, two.levels) {
            #expect(a.strongError == b.strongError && a.batchError == b.batchError
                    && a.weakError.value.bitPattern == b.weakError.value.bitPattern && a.timeError == b.timeError)
        }
        for (a, b) in zip(one.fits, two.fits) {
            #expect(a.order.bitPattern == b.order.bitPattern && a.ci95 == b.ci95 && a.bootstrapCI95 == b.bootstrapCI95)
        }
    }

    @Test("deterministic problems use the adaptive reference and RBM's batch error keeps order 1/2")
    func deterministicReference() throws {
        var c = smallConvergenceConfiguration(threads: 2)
        c.noise = 0
        c.trajectories = 16
        let report = try ConvergenceStudy.run(c)
        #expect(report.reference.method == "gsl-rk8pd")
        let verdict = OrderClaim(kind: .time, order: 1, tolerance: 0.1).check(report)
        #expect(verdict.holds, "\(verdict.explanation)")
    }

    @Test("a different seed changes the result (the seed is really used)")
    func seedMatters() throws {
        var c = smallConvergenceConfiguration()
        c.trajectories = 4
        let a = try ConvergenceStudy.run(c)
        c.seed += 1
        let b = try ConvergenceStudy.run(c)
        #expect(a.levels[0].strongError.value != b.levels[0].strongError.value)
    }
}

@Suite("Convergence configuration validation")
struct ConvergenceValidationTests {
    func rejects(_ option: String, _ change: (inout ConvergenceConfiguration) -> Void) {
        var c = ConvergenceConfiguration()
        change(&c)
        #expect(throws: InvalidInput.self) { try c.validate() }
        do { try c.validate() } catch let error as InvalidInput {
            #expect(error.option == option, "\(error)")
        } catch { Issue.record("unexpected error \(error)") }
    }

    @Test("defaults are valid")
    func defaultsAreValid() throws { try ConvergenceConfiguration().validate() }

    @Test("bad input names the offending option")
    func badInputNamesOption() {
        rejects("--particles") { $0.particles = 1 }
        rejects("--batch-sizes") { $0.batchSizes = [1] }
        rejects("--batch-sizes") { $0.batchSizes = [2, 65] }
        rejects("--dt") { $0.timeSteps = [0.1, -0.1] }
        rejects("--dt") { $0.timeSteps = [.nan, 0.1] }
        rejects("--dt") { $0.timeSteps = [4, 2] }
        rejects("--dt") { $0.timeSteps = [0.125, 0.3] }
        rejects("--horizon") { $0.horizon = .infinity }
        rejects("--horizon") { $0.horizon = 0 }
        rejects("--trajectories") { $0.trajectories = 1 }
        rejects("--noise") { $0.noise = -1 }
        rejects("--threads") { $0.threads = 0 }
    }
}
