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

    public func table() -> String {
        var out: [String] = []
        out.append("rbm-study \(study) --calibrate \(seeds.count): every printed 95% interval and every exact-null test over \(seeds.count) seeds (\(seeds.first ?? 0) … \(seeds.last ?? 0))")
        out.append("coverage target: the exact value where one is known, else the mean of the other seeds (interval widened by √(R/(R−1)) for its noise); an interval holds when its coverage is 95% ± 3% (judged by the Wilson interval; binomial SD of a coverage at this R: \(format((0.95 * 0.05 / Double(max(1, seeds.count))).squareRoot())))")
        if !coverage.isEmpty {
            out.append("")
            out.append("(each label's coverage at 95%: with many labels a few dip below by chance; the pooled rows are the test)")
            let widths = [56, 10, 18, 8, 12, 12, 12, 14, 30]
            out.append(row(["interval", "coverage", "Wilson 95% CI", "target", "mean est.", "SD seeds", "mean SE", "assessment", "verdicts"],
                           widths: widths))
            for c in coverage {
                let verdicts = c.verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                out.append(row([c.label, format(c.coverage), interval(c.coverageCI95), c.targetIsExact ? "exact" : "mean",
                                format(c.meanEstimate), format(c.spreadAcrossSeeds), format(c.meanReportedStandardError),
                                c.assessment, verdicts], widths: widths))
            }
            if coverage.contains(where: { $0.assessment == "undercovers" }) {
                out.append("undercovering intervals are too narrow on this configuration: read them as ±1 SE, or raise the draws/trajectories")
            }
        }
        if !sizes.isEmpty {
            out.append("")
            out.append("size of tests whose null hypothesis holds exactly (rejection rate; a valid test stays at or below its level)")
            out.append("(families of several rows are shown pooled, with any row that rejected; every row is in the JSON and test-sizes.csv)")
            let widths = [56, 8, 12, 10, 18, 8, 14]
            out.append(row(["test", "trials", "rejections", "rate", "Wilson 95% CI", "level", "assessment"], widths: widths))
            let pooledFamilies = Set(sizes.filter(\.pooled).map { IntervalCalibration.family(of: $0.label) })
            for t in sizes where t.pooled || t.rejections > 0 || !pooledFamilies.contains(IntervalCalibration.family(of: t.label)) {
                out.append(row([t.label, String(t.trials), String(t.rejections), format(t.rate), interval(t.rateCI95), format(t.level),
                                t.assessment], widths: widths))
            }
        }
        out.append("")
        out.append("\(format(secondsPerSeed)) s per seed; wall time \(format(manifest.wallSeconds)) s")
        return out.joined(separator: "\n") + "\n"
    }

    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }

    /// Every table of the calibration, in the order `--format csv` prints them: `calibration`
    /// (the coverage of every printed 95% interval: kind `coverage`, value the fraction of seeds
    /// whose interval held the target, count the seeds, with its Wilson 95% interval; no SE) and
    /// `test-sizes` (the rejection rate of every exact-null test: kind `rejection-rate`, count the
    /// trials). `context` gives the system, N, d and first seed of the study calibrated.
    public func tidyTables(context: TidyContext) -> [TidyTable] {
        var coverageTable = TidyTable(name: "calibration", extraColumns: [
            "label", "pooled", "ci95Low", "ci95High", "target", "targetIsExact", "meanEstimate", "spreadAcrossSeeds",
            "meanReportedStandardError", "assessment"])
        for c in coverage {
            coverageTable.append(context.row(estimator: "", sizeName: "", size: nil, kind: "coverage",
                                             estimate: Estimate(value: c.coverage, standardError: .nan, count: c.seeds), extra: [
                "label": c.label, "pooled": String(c.pooled), "ci95Low": csvNumber(c.coverageCI95[0]), "ci95High": csvNumber(c.coverageCI95[1]),
                "target": csvNumber(c.target), "targetIsExact": String(c.targetIsExact), "meanEstimate": csvNumber(c.meanEstimate),
                "spreadAcrossSeeds": csvNumber(c.spreadAcrossSeeds), "meanReportedStandardError": csvNumber(c.meanReportedStandardError),
                "assessment": c.assessment]))
        }
        var sizeTable = TidyTable(name: "test-sizes", extraColumns: ["label", "pooled", "rejections", "ci95Low", "ci95High", "level", "assessment"])
        for t in sizes {
            sizeTable.append(context.row(estimator: "", sizeName: "", size: nil, kind: "rejection-rate",
                                         estimate: Estimate(value: t.rate, standardError: .nan, count: t.trials), extra: [
                "label": t.label, "pooled": String(t.pooled), "rejections": String(t.rejections), "ci95Low": csvNumber(t.rateCI95[0]),
                "ci95High": csvNumber(t.rateCI95[1]), "level": csvNumber(t.level), "assessment": t.assessment]))
        }
        return [coverageTable, sizeTable]
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
