import Estimators
import Foundation
import NumericsCore
import Claims
import Studies
import Testing
import TestSupport

@Suite("Attention convergence")
struct AttentionConvergenceTests {
    @Test("RBA on mean-field attention has batch-error order 1/2 (it is RBM)")
    func meanFieldOrderIsOneHalf() throws {
        let report = try ConvergenceStudy.run(smallAttentionConfiguration(.meanField))
        #expect(report.floors.allSatisfy { !$0.detected }, "no floor expected for an unbiased estimator: \(report.floors.map(\.floor))")
        for p in [2, 4, 8] {
            let verdict = OrderClaim(kind: .batch, batchSize: p, order: 0.5, tolerance: 0.1).check(report)
            #expect(verdict.holds, "\(verdict.explanation)")
        }
        #expect(report.batchSizeRatios.allSatisfy(\.consistent95) || report.batchSizeRatios.allSatisfy {
            abs($0.measured.value - $0.theory) <= 4 * $0.measured.standardError + 0.05 * $0.theory
        }, "batch-size ratios vs √(g₁/g₂): \(report.batchSizeRatios.map { ($0.measured, $0.theory) })")
    }

    @Test("softmax RBA error levels off at a floor that falls with p; no order is fitted through it")
    func softmaxErrorHasFloor() throws {
        let report = try ConvergenceStudy.run(smallAttentionConfiguration(.softmax, batchSizes: [4, 8, 16]))
        #expect(report.floors.count == 3)
        for floor in report.floors {
            #expect(floor.detected, "p = \(floor.batchSize): floor \(floor.floor) not detected")
            #expect(!report.fits.contains { $0.batchSize == floor.batchSize && $0.kind == .batch && $0.estimator == "rba" })
        }
        let scaling = try #require(report.floorScaling)
        // Generous band around the expected −1 (the floor saturates when the bias is large).
        #expect(scaling.exponent < -0.5 && scaling.exponent > -1.6, "floor ∝ p^\(scaling.exponent) \(scaling.ci95)")
    }

    @Test("the attention study is bit-identical for any thread count")
    func threadIndependence() throws {
        var one = smallAttentionConfiguration(.softmax, batchSizes: [4])
        one.trajectories = 6
        one.threads = 1
        var two = one
        two.threads = 2
        let a = try ConvergenceStudy.run(one), b = try ConvergenceStudy.run(two)
        #expect(zip(a.levels, b.levels).allSatisfy { $0.batchError == $1.batchError && $0.strongError == $1.strongError })
    }
}

@Suite("Sampling schemes in the dynamics")
struct SamplingSchemeDynamicsTests {
    @Test("unbiased sampling schemes (RBM with replacement, cost-matched Bernoulli) have batch order 1/2",
          arguments: ["random-batch-replacement", "bernoulli"])
    func unbiasedSchemesHaveOrderOneHalf(estimator: String) throws {
        var c = smallConvergenceConfiguration(threads: 2)
        c.estimator = estimator
        c.batchSizes = [4]
        let report = try ConvergenceStudy.run(c)
        #expect(report.levels.allSatisfy { $0.estimator == estimator })
        let verdict = OrderClaim(kind: .batch, batchSize: 4, order: 0.5, tolerance: 0.1).check(report)
        #expect(verdict.holds, "\(verdict.explanation)")
    }
}
