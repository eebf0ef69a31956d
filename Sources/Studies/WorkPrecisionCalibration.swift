import Foundation

extension WorkPrecisionReport: CalibratedReport {
    /// The 95% interval of every random method's mean error and of every trajectory row's mean
    /// error; their target is the across-seed mean at this fixed configuration.
    public func calibrationObservations() -> [CalibrationObservation] {
        var out: [CalibrationObservation] = []
        for r in rows where r.random {
            out.append(CalibrationObservation(label: "error, \(r.estimator) \(format(r.size))", estimate: r.error.value, ci95: r.errorCI95))
        }
        for r in trajectoryRows {
            out.append(CalibrationObservation(label: "trajectory error, \(r.estimator) \(format(r.size))", estimate: r.error.value,
                                              ci95: r.errorCI95))
        }
        return out
    }

    /// The work–precision study tests no exactly true null hypothesis.
    public func testObservations() -> [TestObservation] { [] }
}

/// `rbm-study work-precision --calibrate R`.
public typealias WorkPrecisionCalibrationReport = CalibrationReport<WorkPrecisionConfiguration>

extension CalibrationReport where Configuration == WorkPrecisionConfiguration {
    /// Reruns the study with draw seeds seed, seed + 1, … at the configuration of `seed` (the
    /// intervals are conditional on the tokens and maps), timing each call once (times are not
    /// calibrated).
    public static func run(_ configuration: WorkPrecisionConfiguration, seeds count: Int,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> WorkPrecisionCalibrationReport {
        try run(study: "work-precision", configuration, seeds: count, seed: configuration.seed, threads: configuration.threads,
                reseed: { c, s in c.drawSeed = s; c.repeats = 1 }, progress: progress) { try WorkPrecisionStudy.run($0) }
    }
}
