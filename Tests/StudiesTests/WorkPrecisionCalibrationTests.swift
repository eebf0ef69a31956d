import Foundation
import Testing
import NumericsCore
import Studies

/// Calibration of the work–precision study's 95% error intervals: draws resampled at one fixed
/// configuration, coverage of the mean of the other seeds' errors.
@Suite("Work-precision calibration")
struct WorkPrecisionCalibrationTests {
    static var seeds: Int { ProcessInfo.processInfo.environment["RBM_LONG_CALIBRATION"] == "1" ? 400 : 40 }
    static var band: ClosedRange<Double> { seeds >= 400 ? 0.925...1.0 : 0.88...1.0 }

    @Test("error intervals of random methods and of trajectories cover at 95%; the configuration stays fixed")
    func errorIntervalsCover() throws {
        var c = WorkPrecisionConfiguration()
        c.attention.tokens = 32
        c.attention.dimension = 4
        c.estimators = ["rba", "bernoulli", "uniform-columns", "performer-positive"]
        c.repeats = 1
        c.trajectories = 6
        c.horizon = 0.5
        c.threads = 2
        let report = try WorkPrecisionCalibrationReport.run(c, seeds: Self.seeds)
        let pooled = report.coverage.filter { $0.label.hasSuffix("pooled") }
        #expect(Set(pooled.map { String($0.label.prefix { $0 != "," }) }) == ["error", "trajectory error"])
        for p in pooled { #expect(Self.band.contains(p.coverage), "\(p.label): \(p.coverage) \(p.coverageCI95)") }
        #expect(report.sizes.isEmpty)
        // The draws move with the seed, the configuration does not: the exact row is identical.
        var first = c
        first.drawSeed = c.seed &+ 1
        let a = try WorkPrecisionStudy.run(first), b = try WorkPrecisionStudy.run(c)
        #expect(a.referenceError == b.referenceError)
        #expect(a.rows.map(\.flops) == b.rows.map(\.flops))
        #expect(a.rows.filter(\.random).map(\.error.value) != b.rows.filter(\.random).map(\.error.value))
    }

    @Test("Pareto status: a point beaten only within noise is not called dominated")
    func paretoStatusAccountsForNoise() {
        let e = { (v: Double, s: Double) in Estimate(value: v, standardError: s, count: 8) }
        let status = ParetoStatus.classify(cost: [1, 1, 2, 2], error: [e(1.0, 0.1), e(1.1, 0.1), e(0.5, 0.01), e(0.9, 0.01)],
                                           group: ["a", "a", "a", "a"])
        #expect(status == [.front, .withinNoise, .front, .dominated])
    }
}
