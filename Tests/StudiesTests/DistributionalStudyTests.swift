import Foundation
import NumericsCore
import ParticleSystems
import Studies
import Testing

/// RBM with replacement compared with the exact system in law (``DistributionalStudy``).
///
/// "Measured theory": on the linear system the expected RBM-r error is known exactly (moment
/// recursion), so the order the study's fit has as its estimand is computable — the same fit on
/// the exact expected values (``DistributionalReport/OrderRow/exactOrder``). For W₂ the exact
/// value is the Gelbrich lower bound (the W₂ between Gaussians with the laws' second moments).
@Suite("Distributional study: RBM-r in law")
struct DistributionalStudyTests {
    static var seeds: Int { ProcessInfo.processInfo.environment["RBM_LONG_CALIBRATION"] == "1" ? 200 : 20 }
    static var band: ClosedRange<Double> { seeds >= 200 ? 0.92...1.0 : 0.86...1.0 }

    static func small(seed: UInt64 = 20_251_207, threads: Int = 2) -> DistributionalConfiguration {
        var c = DistributionalConfiguration()
        c.particles = 16
        c.timeSteps = [0.5, 0.25, 0.125]
        c.referenceRefinement = 4
        c.trajectories = 600
        c.groups = 10
        c.seed = seed
        c.threads = threads
        return c
    }

    @Test("RBM-r weak error order and W2 rate lie within their 95% intervals of the measured theory on the linear system")
    func ordersMatchTheExactOrders() throws {
        let report = try DistributionalStudy.run(Self.small())
        for row in report.orders where row.exactOrder != nil {
            let fit = try #require(row.fit)
            let exact = try #require(row.exactOrder)
            #expect(fit.ci95[0] <= exact && exact <= fit.ci95[1], "\(row.quantity): \(fit.ci95) vs exact \(exact)")
        }
        #expect(report.orders.contains { $0.quantity.hasPrefix("W₂") && $0.exactOrder != nil })
        // The bound of Cai–Liu–Wang (order 1/4 with diffusion) holds: the measured W₂ order is above it.
        let w2 = try #require(report.orders.first { $0.quantity.hasPrefix("W₂") }?.fit)
        #expect(w2.ci95[0] > 0.25)
        // The floor is positive and the corrected W₂ is above the Gelbrich lower bound (within 4 SE).
        for row in report.distances {
            #expect(row.floor.value > 0)
            let bound = try #require(row.gelbrichLowerBound)
            #expect(row.corrected.value + 4 * row.corrected.standardError >= bound * bound)
        }
    }

    @Test("RBM-r weak errors match the exact expected RBM-r errors on the linear system (4-SE band)")
    func weakErrorsMatchTheExactRecursion() throws {
        let report = try DistributionalStudy.run(Self.small())
        let checked = report.weak.filter { $0.exactError != nil }
        #expect(checked.count == 6)  // second moment and mean at 3 steps
        for row in checked { #expect(abs(try #require(row.zScore)) < 4, "\(row.observable) τ = \(row.dt): z = \(row.zScore ?? .nan)") }
    }

    @Test("the distributional study is bit-identical for any thread count")
    func bitIdenticalForAnyThreadCount() throws {
        var c = Self.small(threads: 1)
        c.trajectories = 40
        c.groups = 4
        c.dimension = 2
        let one = try DistributionalStudy.run(c)
        c.threads = 3
        let three = try DistributionalStudy.run(c)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(try encoder.encode(one.weak) == encoder.encode(three.weak))
        #expect(try encoder.encode(one.distances) == encoder.encode(three.distances))
        #expect(try encoder.encode(one.orders) == encoder.encode(three.orders))
    }

    @Test("bad configurations are refused naming the option")
    func badInputNamesTheOption() {
        func option(_ change: (inout DistributionalConfiguration) -> Void) -> String? {
            var c = DistributionalConfiguration()
            change(&c)
            do { try c.validate(); return nil } catch let e as InvalidInput { return e.option } catch { return "other" }
        }
        #expect(option { $0.batchSize = 1 } == "--batch-size")
        #expect(option { $0.timeSteps = [0.3, 0.1] } == "--dt")
        #expect(option { $0.groups = 7 } == "--groups")
        #expect(option { $0.noise = -1 } == "--noise")
        #expect(option { $0.frames = 0 } == "--frames")
        #expect(option { _ in } == nil)
    }

    @Test("the weak-error intervals cover the exact expected RBM-r errors at 95% over seeds, and the order intervals their estimand")
    func weakErrorIntervalsCoverOverSeeds() throws {
        var covered = 0, total = 0, orderCovered = 0, orders = 0
        for s in 0..<Self.seeds {
            var c = Self.small(seed: 7_000 + UInt64(s))
            c.particles = 8
            c.trajectories = 80
            c.groups = 4
            c.referenceRefinement = 2
            let report = try DistributionalStudy.run(c)
            let t = Distributions.studentT95(degreesOfFreedom: Double(c.trajectories - 1))
            for row in report.weak where row.zScore != nil {
                total += 1
                if abs(row.zScore!) <= t { covered += 1 }
            }
            for row in report.orders where row.quantity.hasPrefix("weak") {
                guard let fit = row.fit, let exact = row.exactOrder else { continue }
                orders += 1
                if fit.ci95[0] <= exact && exact <= fit.ci95[1] { orderCovered += 1 }
            }
        }
        let coverage = Double(covered) / Double(total)
        print("RBM-r weak-error interval coverage \(covered)/\(total), weak-order interval coverage \(orderCovered)/\(orders) over \(Self.seeds) seeds")
        #expect(Self.band.contains(coverage), "weak-error coverage \(covered)/\(total)")
        #expect(orders >= Self.seeds / 2)
        let orderCoverage = Double(orderCovered) / Double(orders)
        #expect(Self.band.contains(orderCoverage), "weak-order coverage \(orderCovered)/\(orders)")
    }
}
