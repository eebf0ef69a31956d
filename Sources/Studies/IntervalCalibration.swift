import Foundation
import NumericsCore

/// One interval (or verdict) a study printed for one seed, as collected by a calibration run.
public struct CalibrationObservation: Sendable {
    /// What was estimated, e.g. "batch order, p = 2" (the same label in every seed).
    public var label: String
    public var estimate: Double
    /// The printed 95% interval.
    public var ci95: [Double]
    /// The value the interval should cover when one is known exactly (e.g. a closed-form
    /// ratio); nil means "the across-seed mean of the estimate".
    public var exact: Double?
    /// The verdict printed for it, if any.
    public var verdict: Verdict?

    public init(label: String, estimate: Double, ci95: [Double], exact: Double? = nil, verdict: Verdict? = nil) {
        self.label = label
        self.estimate = estimate
        self.ci95 = ci95
        self.exact = exact
        self.verdict = verdict
    }
}

/// The empirical coverage of one label's 95% interval over R seeds.
public struct IntervalCoverage: Codable, Sendable {
    public var label: String
    public var seeds: Int
    /// The value the intervals were checked against: exact, or the across-seed mean.
    public var target: Double
    public var targetIsExact: Bool
    /// Fraction of seeds whose interval contains the target, with a Wilson 95% interval.
    public var coverage: Double
    public var coverageCI95: [Double]
    /// Mean estimate, its SD across seeds, and the mean of the printed half-widths / t.
    public var meanEstimate: Double
    public var spreadAcrossSeeds: Double
    public var meanReportedStandardError: Double
    /// Counts of each verdict over the seeds (raw value → count).
    public var verdicts: [String: Int]
    /// "undercovers" when the Wilson interval lies below 95%, "conservative" when above, else "holds".
    public var assessment: String
}

/// Calibration of a study's intervals and verdicts: rerun it over R seeds and measure, for
/// every interval it prints, how often the interval contains the across-seed mean of its
/// estimate (or the exact value where one exists), with a Wilson score interval for that
/// proportion (Wilson, JASA 22 (1927)). A 95% interval that holds covers 95% of seeds; with
/// R seeds the binomial SD of the observed coverage is √(0.95·0.05/R) (3.4% at R = 40).
///
/// Note on the across-seed mean as target: it estimates the expectation of the estimator, so an
/// interval can cover it while the estimator is biased for the "true" order; that is what a CI
/// promises. Cost: R runs of the study.
public enum IntervalCalibration {
    /// Wilson score interval for k successes in n trials at 95%.
    public static func wilson(successes k: Int, trials n: Int) -> [Double] {
        guard n > 0 else { return [0, 1] }
        let z = 1.959963984540054, nn = Double(n), p = Double(k) / nn
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / (1 + z * z / nn)
        return [max(0, centre - half), min(1, centre + half)]
    }

    /// Coverage per label over the seeds' observations (labels in first-seen order).
    public static func coverage(_ runs: [[CalibrationObservation]]) -> [IntervalCoverage] {
        var labels: [String] = []
        for run in runs { for o in run where !labels.contains(o.label) { labels.append(o.label) } }
        return labels.map { label in
            let obs = runs.compactMap { $0.first { $0.label == label } }
                .filter { $0.estimate.isFinite && $0.ci95.count == 2 && $0.ci95.allSatisfy(\.isFinite) }
            let n = obs.count
            let mean = n > 0 ? obs.reduce(0) { $0 + $1.estimate } / Double(n) : .nan
            let exact = obs.first?.exact
            let target = exact ?? mean
            let covered = obs.filter { $0.ci95[0] <= target && target <= $0.ci95[1] }.count
            let spread = n > 1 ? (obs.reduce(0) { $0 + ($1.estimate - mean) * ($1.estimate - mean) } / Double(n - 1)).squareRoot() : .nan
            let se = n > 0 ? obs.reduce(0) { $0 + ($1.ci95[1] - $1.ci95[0]) / (2 * 1.96) } / Double(n) : .nan
            var verdicts: [String: Int] = [:]
            for o in obs { if let v = o.verdict { verdicts[v.rawValue, default: 0] += 1 } }
            let rate = n > 0 ? Double(covered) / Double(n) : .nan
            let wilsonCI = wilson(successes: covered, trials: n)
            // Judged by the Wilson interval, so a few seeds cannot brand an interval either way.
            let assessment = n == 0 ? "no finite intervals" : wilsonCI[1] < 0.95 ? "undercovers" : wilsonCI[0] > 0.95 ? "conservative" : "holds"
            return IntervalCoverage(label: label, seeds: n, target: target, targetIsExact: exact != nil, coverage: rate,
                                    coverageCI95: wilsonCI, meanEstimate: mean,
                                    spreadAcrossSeeds: spread, meanReportedStandardError: se, verdicts: verdicts,
                                    assessment: assessment)
        }
    }
}

extension ConvergenceReport {
    /// Every interval this report prints, for a calibration run.
    public func calibrationObservations() -> [CalibrationObservation] {
        var out: [CalibrationObservation] = []
        for f in fits {
            let who = f.kind == .time ? "time order (full EM)" : "\(f.kind.rawValue) order, p = \(f.batchSize)"
            out.append(CalibrationObservation(label: who, estimate: f.order, ci95: f.ci95, verdict: f.verdict.verdict))
            if let b = f.bootstrapCI95 {
                out.append(CalibrationObservation(label: "\(who), bootstrap", estimate: f.order, ci95: b))
            }
        }
        for r in batchSizeRatios {
            out.append(CalibrationObservation(label: "batch-error ratio \(r.batchSizes[0]):\(r.batchSizes[1])", estimate: r.measured.value,
                                              ci95: r.ci95, verdict: r.verdict.verdict))
        }
        for f in floors {
            let t = 1.96
            out.append(CalibrationObservation(label: "floor F², p = \(f.batchSize)", estimate: f.fit.squaredFloor.value,
                                              ci95: [f.fit.squaredFloor.value - t * f.fit.squaredFloor.standardError,
                                                     f.fit.squaredFloor.value + t * f.fit.squaredFloor.standardError]))
        }
        if let s = floorScaling {
            out.append(CalibrationObservation(label: "floor scaling exponent", estimate: s.exponent, ci95: s.ci95))
        }
        return out
    }
}

/// The result of `rbm-study convergence --calibrate R`.
public struct ConvergenceCalibrationReport: Codable, Sendable {
    public var schema = "rbm-study/convergence-calibration/1"
    public var manifest: RunManifest
    public var configuration: ConvergenceConfiguration
    /// The seeds used: seed, seed + 1, …, seed + R − 1.
    public var seeds: [UInt64]
    public var coverage: [IntervalCoverage]
    public var secondsPerSeed: Double

    /// Runs the study once per seed (trajectories in parallel inside each run).
    public static func run(_ configuration: ConvergenceConfiguration, seeds count: Int,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> ConvergenceCalibrationReport {
        try require(count >= 2 && count <= 100_000, "--calibrate", "must be an integer in [2, 100000] (got \(count))")
        let start = Date()
        let seeds = (0..<count).map { configuration.seed &+ UInt64($0) }
        var runs: [[CalibrationObservation]] = []
        for (index, seed) in seeds.enumerated() {
            var c = configuration
            c.seed = seed
            runs.append(try ConvergenceStudy.run(c).calibrationObservations())
            progress?(index + 1, count)
        }
        let wall = Date().timeIntervalSince(start)
        return ConvergenceCalibrationReport(
            manifest: RunManifest(seed: configuration.seed, command: "", threads: configuration.threads, wallSeconds: wall),
            configuration: configuration, seeds: seeds, coverage: IntervalCalibration.coverage(runs),
            secondsPerSeed: wall / Double(count))
    }

    public func table() -> String {
        var out: [String] = []
        out.append("rbm-study convergence --calibrate \(seeds.count): coverage of every printed 95% interval over \(seeds.count) seeds (\(seeds.first ?? 0) … \(seeds.last ?? 0)); target = across-seed mean of the estimate")
        out.append("assessment by the Wilson interval of the coverage (undercovers: entirely below 95%); binomial SD of the coverage at this R: \(format((0.95 * 0.05 / Double(max(1, seeds.count))).squareRoot()))")
        out.append("")
        let widths = [36, 10, 18, 12, 12, 12, 14, 30]
        out.append(row(["interval", "coverage", "Wilson 95% CI", "mean est.", "SD seeds", "mean SE", "assessment", "verdicts"], widths: widths))
        for c in coverage {
            let verdicts = c.verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            out.append(row([c.label, format(c.coverage), interval(c.coverageCI95), format(c.meanEstimate), format(c.spreadAcrossSeeds),
                            format(c.meanReportedStandardError), c.assessment, verdicts], widths: widths))
        }
        out.append("")
        out.append("\(format(secondsPerSeed)) s per seed; wall time \(format(manifest.wallSeconds)) s")
        return out.joined(separator: "\n") + "\n"
    }

    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }

    public func coverageCSV() -> String {
        csvTable(header: "label,seeds,target,targetIsExact,coverage,coverageLow,coverageHigh,meanEstimate,spreadAcrossSeeds,meanReportedStandardError,assessment",
                 coverage) { c in
            ["\"\(c.label)\"", String(c.seeds), csv(c.target), String(c.targetIsExact), csv(c.coverage), csv(c.coverageCI95[0]),
             csv(c.coverageCI95[1]), csv(c.meanEstimate), csv(c.spreadAcrossSeeds), csv(c.meanReportedStandardError), c.assessment]
        }
    }
}
