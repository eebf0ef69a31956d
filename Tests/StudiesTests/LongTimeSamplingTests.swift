import Foundation
import NumericsCore
import ParticleSystems
import Studies
import Testing

/// The long-time sampling error of RBM on the linear system (``LongTimeSamplingStudy``).
@Suite("Long-time sampling error of RBM")
struct LongTimeSamplingTests {
    static var seeds: Int { ProcessInfo.processInfo.environment["RBM_LONG_CALIBRATION"] == "1" ? 200 : 20 }
    static var band: ClosedRange<Double> { seeds >= 200 ? 0.92...1.0 : 0.86...1.0 }

    static func small(seed: UInt64 = 20_251_207, threads: Int = 2) -> LongTimeConfiguration {
        var c = LongTimeConfiguration()
        c.particles = 8
        c.batchSizes = [2, 8]
        c.timeSteps = [0.2, 0.1]
        c.burnIn = 4
        c.averagingTime = 8
        c.trajectories = 16
        c.seed = seed
        c.threads = threads
        return c
    }

    @Test("the linear system's stationary variance matches its closed form (time averages of full Euler–Maruyama, 4-SE band)")
    func stationaryVarianceMatchesTheClosedForm() throws {
        var c = Self.small()
        c.batchSizes = [8]  // p = N: full Euler–Maruyama, no batches
        c.timeSteps = [0.02, 0.01]
        c.averagingTime = 40
        c.trajectories = 24
        let report = try LongTimeSamplingStudy.run(c)
        let moments = LinearMeanFieldMoments(system: c.linearSystem, particles: 8, dimension: 1)
        let finest = try #require(report.rows.first { $0.dt == 0.01 })
        // Closed form d·[σ²/(2a)/N + ((N−1)/N)σ²/(2b)], within 4 SE plus the scheme's exact O(τ) bias.
        let bias = try #require(moments.randomBatchStationarySecondMoment(timeStep: 0.01, batchSize: 8)) - report.invariantSecondMoment
        #expect(abs(finest.timeAverage.value - report.invariantSecondMoment) < 4 * finest.timeAverage.standardError + abs(bias))
        #expect(abs(bias) < finest.timeAverage.standardError)  // the bias is below the noise: this checks the closed form
        #expect(abs(report.invariantSecondMoment - 0.25 * (1.0 / 2 / 8 + 7.0 / 8 / (2 * (1 + 0.5 * 8 / 7)))) < 1e-15)
    }

    @Test("the sampling error of RBM has the order of its exact value; Ye–Zhou's √τ bound holds")
    func samplingErrorOrder() throws {
        var c = Self.small()
        c.particles = 16
        c.batchSizes = [2]
        c.timeSteps = [0.2, 0.1, 0.05]
        c.averagingTime = 16
        c.trajectories = 32
        let report = try LongTimeSamplingStudy.run(c)
        let order = try #require(report.orders.first)
        let fit = try #require(order.fit)
        // The exact sampling errors are first order (local orders ≈ 1); the fit's interval holds it.
        let exactFinest = try #require(order.exactLocalOrders.last ?? nil)
        #expect(abs(exactFinest - 1) < 0.15)
        #expect(fit.ci95[0] <= exactFinest && exactFinest <= fit.ci95[1], "\(fit.ci95) vs \(exactFinest)")
        #expect(fit.ci95[0] > 0.5)  // above the bound's order: the O(√τ) bound holds and is not tight here
    }

    @Test("the long-time study is bit-identical for any thread count")
    func bitIdenticalForAnyThreadCount() throws {
        let one = try LongTimeSamplingStudy.run(Self.small(threads: 1))
        let three = try LongTimeSamplingStudy.run(Self.small(threads: 3))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(one.rows) == encoder.encode(three.rows))
        #expect(try encoder.encode(one.orders) == encoder.encode(three.orders))
    }

    @Test("bad configurations are refused naming the option")
    func badInputNamesTheOption() {
        func option(_ change: (inout LongTimeConfiguration) -> Void) -> String? {
            var c = LongTimeConfiguration()
            change(&c)
            do { try c.validate(); return nil } catch let e as InvalidInput { return e.option } catch { return "other" }
        }
        #expect(option { $0.batchSizes = [3] } == "--batch-sizes")
        #expect(option { $0.timeSteps = [0.3, 0.1] } == "--burn-in")
        #expect(option { $0.noise = 0 } == "--noise")
        #expect(option { $0.averagingTime = 0 } == "--averaging-time")
        #expect(option { $0.timeSteps = [2, 1] } == "--dt")
        #expect(option { _ in } == nil)
    }

    @Test("the time-average intervals cover the exact expected time average at 95% over seeds")
    func intervalsCoverOverSeeds() throws {
        var covered = 0, total = 0
        for s in 0..<Self.seeds {
            let report = try LongTimeSamplingStudy.run(Self.small(seed: 9_000 + UInt64(s)))
            covered += report.rows.filter(\.covered).count
            total += report.rows.count
        }
        let coverage = Double(covered) / Double(total)
        print("long-time interval coverage \(covered)/\(total) over \(Self.seeds) seeds")
        #expect(Self.band.contains(coverage), "coverage \(covered)/\(total)")
    }
}
