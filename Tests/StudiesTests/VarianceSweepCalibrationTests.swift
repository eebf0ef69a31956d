import Foundation
import Testing
import Studies

/// Calibration of the variance sweep's printed intervals and tests: the ratio of the measured to
/// the closed-form variance is exactly 1 at every configuration, a theory fit's slope exactly 1 and
/// intercept exactly 0, and every estimator here is exactly unbiased, so the zero-bias and
/// variance-law tests reject only by chance.
@Suite("Variance-sweep calibration")
struct VarianceSweepCalibrationTests {
    static var seeds: Int { ProcessInfo.processInfo.environment["RBM_LONG_CALIBRATION"] == "1" ? 400 : 40 }
    static var band: ClosedRange<Double> { seeds >= 400 ? 0.925...1.0 : 0.88...1.0 }

    static func smallSweep(system: String) -> VarianceSweepConfiguration {
        var c = VarianceSweepConfiguration()
        c.systems = [system]
        c.particles = 24
        c.draws = 200
        c.configurations = 1
        c.threads = 2
        if system == "attention" {
            c.dimension = 4
            c.attention.normalization = .meanField
            c.estimators = ["rba", "bernoulli", "uniform-columns", "importance-columns"]
        }
        return c
    }

    @Test("Exact-target intervals cover at 95% and exact-null tests keep their size", arguments: ["smooth", "linear", "attention"])
    func coverageAndSize(system: String) throws {
        let report = try VarianceSweepCalibrationReport.run(Self.smallSweep(system: system), seeds: Self.seeds)
        let pooled = report.coverage.filter { $0.label.hasSuffix("pooled") }
        #expect(Set(pooled.map { String($0.label.prefix { $0 != "," }) }).isSuperset(of: ["variance ratio", "fit slope", "fit intercept"]))
        for c in pooled {
            #expect(c.targetIsExact, "\(c.label)")
            #expect(Self.band.contains(c.coverage), "\(system), \(c.label): coverage \(c.coverage) \(c.coverageCI95)")
        }
        for c in report.coverage where !c.label.hasSuffix("pooled") {
            #expect(c.coverage >= 0.8, "\(system), \(c.label): coverage \(c.coverage) over \(c.seeds) seeds")
        }
        let sizes = report.sizes.filter { $0.label.hasSuffix("pooled") }
        #expect(sizes.count == 2)
        for t in sizes {
            // At most α·n + 4 binomial SD rejections.
            let n = Double(t.trials), limit = t.level * n + 4 * (n * t.level * (1 - t.level)).squareRoot()
            #expect(Double(t.rejections) <= limit, "\(system), \(t.label): \(t.rejections) of \(t.trials) rejected")
        }
    }
}
