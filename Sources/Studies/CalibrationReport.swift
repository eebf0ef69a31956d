import Foundation
import NumericsCore

/// What a study contributes to a calibration run: every 95% interval it printed and every test
/// decision on a null hypothesis that holds exactly, for one seed.
public protocol CalibratedReport {
    func calibrationObservations() -> [CalibrationObservation]
    func testObservations() -> [TestObservation]
}

/// The result of `rbm-study SUBCOMMAND --calibrate R`: the study rerun over R seeds (seed,
/// seed + 1, …), with the coverage of every printed 95% interval (``IntervalCoverage``) and the
/// size of every test whose null hypothesis holds exactly (``TestSize``). Schema
/// "rbm-study/STUDY-calibration/1". Cost: R runs of the study.
public struct CalibrationReport<Configuration: Codable & Sendable>: Codable, Sendable {
    public var schema: String
    /// "convergence", "variance-sweep" or "work-precision".
    public var study: String
    public var manifest: RunManifest
    public var configuration: Configuration
    public var seeds: [UInt64]
    public var coverage: [IntervalCoverage]
    public var sizes: [TestSize]
    public var secondsPerSeed: Double

    /// Runs `study` once per seed; `reseed` sets the seed of a configuration; `threads` is what
    /// the manifest records.
    public static func run<Report: CalibratedReport>(
        study: String, _ configuration: Configuration, seeds count: Int, seed: UInt64, threads: Int,
        reseed: (inout Configuration, UInt64) -> Void, progress: (@Sendable (Int, Int) -> Void)? = nil,
        _ body: (Configuration) throws -> Report
    ) throws -> CalibrationReport {
        try require(count >= 2 && count <= 100_000, "--calibrate", "must be an integer in [2, 100000] (got \(count))")
        let start = Date()
        let seeds = (0..<count).map { seed &+ UInt64($0) }
        var intervals: [[CalibrationObservation]] = [], tests: [[TestObservation]] = []
        for (index, s) in seeds.enumerated() {
            var c = configuration
            reseed(&c, s)
            let report = try body(c)
            intervals.append(report.calibrationObservations())
            tests.append(report.testObservations())
            progress?(index + 1, count)
        }
        let wall = Date().timeIntervalSince(start)
        return CalibrationReport(schema: "rbm-study/\(study)-calibration/1", study: study,
                                 manifest: RunManifest(seed: seed, command: "", threads: threads, wallSeconds: wall),
                                 configuration: configuration, seeds: seeds, coverage: IntervalCalibration.coverage(intervals),
                                 sizes: IntervalCalibration.sizes(tests), secondsPerSeed: wall / Double(count))
    }

}

/// `rbm-study convergence --calibrate R`.
public typealias ConvergenceCalibrationReport = CalibrationReport<ConvergenceConfiguration>

extension CalibrationReport where Configuration == ConvergenceConfiguration {
    /// Runs the convergence study once per seed (trajectories in parallel inside each run).
    public static func run(_ configuration: ConvergenceConfiguration, seeds count: Int,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> ConvergenceCalibrationReport {
        try run(study: "convergence", configuration, seeds: count, seed: configuration.seed, threads: configuration.threads,
                reseed: { $0.seed = $1 }, progress: progress) { try ConvergenceStudy.run($0) }
    }
}
