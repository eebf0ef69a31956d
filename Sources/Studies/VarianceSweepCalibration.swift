import Foundation
import NumericsCore

extension VarianceSweepReport: CalibratedReport {
    /// The ratio's 95% interval of every row with a positive closed form (exact target 1), and the
    /// slope and intercept intervals of every fit (exact targets 1 and 0 for theory fits; the
    /// across-seed mean for cost fits).
    public func calibrationObservations() -> [CalibrationObservation] {
        var out: [CalibrationObservation] = []
        for r in rows {
            if let ratio = r.ratio, let ci = r.ratioCI95 {
                out.append(CalibrationObservation(label: "variance ratio, \(r.system) \(r.estimator) \(format(r.size))", estimate: ratio,
                                                  ci95: ci, exact: 1, verdict: r.varianceVerdict.verdict))
            }
        }
        for f in fits {
            let theory = f.kind == .theory
            out.append(CalibrationObservation(label: "fit slope, \(f.system) \(f.estimator) vs \(f.kind.rawValue)", estimate: f.slope,
                                              ci95: f.slopeCI95, exact: theory ? 1 : nil, verdict: f.verdict.verdict))
            out.append(CalibrationObservation(label: "fit intercept, \(f.system) \(f.estimator) vs \(f.kind.rawValue)",
                                              estimate: f.intercept, ci95: f.interceptCI95, exact: theory ? 0 : nil))
        }
        return out
    }

    /// Tests whose null hypothesis holds exactly: the zero-bias test on rows whose estimator is
    /// declared unbiased (a rejection is "detected"), and the variance-law test on rows with a
    /// positive closed form (a rejection is "inconsistent").
    public func testObservations() -> [TestObservation] {
        var out: [TestObservation] = []
        for r in rows where r.declaredUnbiased {
            out.append(TestObservation(label: "zero-bias test, \(r.system) \(r.estimator) \(format(r.size))",
                                       rejected: r.biasVerdict == .detected, level: ZeroBiasTest.level))
        }
        for r in rows where (r.theoryVariance ?? 0) > 0 {
            out.append(TestObservation(label: "variance-law test, \(r.system) \(r.estimator) \(format(r.size))",
                                       rejected: r.varianceVerdict.verdict == .inconsistent, level: VarianceLawTest.level))
        }
        return out
    }
}

/// `rbm-study variance-sweep --calibrate R`.
public typealias VarianceSweepCalibrationReport = CalibrationReport<VarianceSweepConfiguration>

extension CalibrationReport where Configuration == VarianceSweepConfiguration {
    /// Runs the sweep once per seed: new configurations (particles, tokens, maps) and new draws.
    public static func run(_ configuration: VarianceSweepConfiguration, seeds count: Int,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> VarianceSweepCalibrationReport {
        try run(study: "variance-sweep", configuration, seeds: count, seed: configuration.seed, threads: configuration.threads,
                reseed: { $0.seed = $1 }, progress: progress) { try VarianceSweepStudy.run($0) }
    }
}
