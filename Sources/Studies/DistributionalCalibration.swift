import Foundation
import NumericsCore

extension DistributionalReport: CalibratedReport {
    /// Every weak error's interval b ± t·SE (target: the exact expected RBM-r error where known,
    /// else the across-seed mean), every floor-corrected W₂²'s interval (across-seed mean), and
    /// every order's interval (target: the fit's estimand on the exact values for the weak
    /// orders on `linear`; the across-seed mean for W₂, whose exact value is not known).
    public func calibrationObservations() -> [CalibrationObservation] {
        var out: [CalibrationObservation] = []
        let tWeak = Distributions.studentT95(degreesOfFreedom: Double(configuration.trajectories - 1))
        for w in weak {
            let half = tWeak * w.error.standardError
            out.append(CalibrationObservation(label: "weak error, \(w.observable.rawValue) τ = \(format(w.dt))", estimate: w.error.value,
                                              ci95: [w.error.value - half, w.error.value + half], exact: w.exactError))
        }
        let tGroups = Distributions.studentT95(degreesOfFreedom: Double(configuration.groups - 1))
        for r in distances {
            let half = tGroups * r.corrected.standardError
            out.append(CalibrationObservation(label: "corrected W2², τ = \(format(r.dt))", estimate: r.corrected.value,
                                              ci95: [r.corrected.value - half, r.corrected.value + half]))
        }
        for o in orders {
            guard let fit = o.fit, fit.ci95.count == 2 else { continue }
            let isDistance = !o.quantity.hasPrefix("weak")
            out.append(CalibrationObservation(label: "order, \(o.quantity)", estimate: fit.order, ci95: fit.ci95,
                                              exact: isDistance ? nil : o.exactOrder))
        }
        return out
    }

    /// The distributional study prints no test verdict.
    public func testObservations() -> [TestObservation] { [] }
}

/// `rbm-study distributional --calibrate R`.
public typealias DistributionalCalibrationReport = CalibrationReport<DistributionalConfiguration>

extension CalibrationReport where Configuration == DistributionalConfiguration {
    public static func run(_ configuration: DistributionalConfiguration, seeds count: Int,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> DistributionalCalibrationReport {
        try run(study: "distributional", configuration, seeds: count, seed: configuration.seed, threads: configuration.threads,
                reseed: { $0.seed = $1 }, progress: progress) { try DistributionalStudy.run($0) }
    }
}

extension LongTimeReport: CalibratedReport {
    /// Every time average's interval (target: its exact expected value), every final-law error's
    /// interval (target: its exact value) and every sampling-error order's interval (target: the
    /// across-seed mean).
    public func calibrationObservations() -> [CalibrationObservation] {
        var out: [CalibrationObservation] = []
        let t = Distributions.studentT95(degreesOfFreedom: Double(configuration.trajectories - 1))
        for r in rows {
            let key = "p = \(r.batchSize) τ = \(format(r.dt))"
            out.append(CalibrationObservation(label: "time average, \(key)", estimate: r.timeAverage.value,
                                              ci95: [r.timeAverage.value - t * r.timeAverage.standardError, r.timeAverage.value + t * r.timeAverage.standardError],
                                              exact: r.expectedTimeAverage))
            out.append(CalibrationObservation(label: "law at B + L, \(key)", estimate: r.finalLawError.value,
                                              ci95: [r.finalLawError.value - t * r.finalLawError.standardError, r.finalLawError.value + t * r.finalLawError.standardError],
                                              exact: r.exactFinalLawError))
        }
        for o in orders {
            guard let fit = o.fit, fit.ci95.count == 2 else { continue }
            out.append(CalibrationObservation(label: "sampling-error order, p = \(o.batchSize)", estimate: fit.order, ci95: fit.ci95))
        }
        return out
    }

    /// The long-time study prints no test verdict.
    public func testObservations() -> [TestObservation] { [] }
}

/// `rbm-study long-time --calibrate R`.
public typealias LongTimeCalibrationReport = CalibrationReport<LongTimeConfiguration>

extension CalibrationReport where Configuration == LongTimeConfiguration {
    public static func run(_ configuration: LongTimeConfiguration, seeds count: Int,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> LongTimeCalibrationReport {
        try run(study: "long-time", configuration, seeds: count, seed: configuration.seed, threads: configuration.threads,
                reseed: { $0.seed = $1 }, progress: progress) { try LongTimeSamplingStudy.run($0) }
    }
}
