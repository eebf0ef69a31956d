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
    /// True for the entry that pools every label of a family (`IntervalCalibration.families(of:)`).
    public var pooled: Bool
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
    /// "undercovers" when the Wilson interval lies below 92%, "conservative" when above 98%, else
    /// "holds" (``IntervalCalibration/acceptedCoverage``).
    public var assessment: String

    private enum CodingKeys: String, CodingKey {
        case label, pooled, seeds, target, targetIsExact, coverage, coverageCI95, meanEstimate, spreadAcrossSeeds, meanReportedStandardError,
             verdicts, assessment
    }

    /// Undefined numbers (a pooled entry's target, a single seed's spread) are JSON null.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(label, forKey: .label)
        try c.encode(pooled, forKey: .pooled)
        try c.encode(seeds, forKey: .seeds)
        try c.encode(jsonNumber(target), forKey: .target)
        try c.encode(targetIsExact, forKey: .targetIsExact)
        try c.encode(jsonNumber(coverage), forKey: .coverage)
        try c.encode(coverageCI95, forKey: .coverageCI95)
        try c.encode(jsonNumber(meanEstimate), forKey: .meanEstimate)
        try c.encode(jsonNumber(spreadAcrossSeeds), forKey: .spreadAcrossSeeds)
        try c.encode(jsonNumber(meanReportedStandardError), forKey: .meanReportedStandardError)
        try c.encode(verdicts, forKey: .verdicts)
        try c.encode(assessment, forKey: .assessment)
    }
}

/// Calibration of a study's intervals and verdicts: rerun it over R seeds and measure, for
/// every interval it prints, how often the interval contains the exact value where one exists,
/// or else the mean of the other seeds' estimates (with the interval widened by √(R/(R − 1)) for
/// that mean's own noise), with a Wilson score interval for that
/// proportion (Wilson, JASA 22 (1927)). A 95% interval that holds covers 95% of seeds; with
/// R seeds the binomial SD of the observed coverage is √(0.95·0.05/R) (3.4% at R = 40).
///
/// Note on the across-seed mean as target: it estimates the expectation of the estimator, so an
/// interval can cover it while the estimator is biased for the "true" order; that is what a CI
/// promises. Cost: R runs of the study.
public enum IntervalCalibration {
    /// A 95% interval holds when its coverage is 95% ± 3%: "undercovers" when the Wilson interval
    /// of the measured coverage lies entirely below 92%, "conservative" when entirely above 98%.
    public static let acceptedCoverage = 0.92...0.98

    /// Wilson score interval for k successes in n trials at 95%.
    public static func wilson(successes k: Int, trials n: Int) -> [Double] {
        guard n > 0 else { return [0, 1] }
        let z = 1.959963984540054, nn = Double(n), p = Double(k) / nn
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot() / (1 + z * z / nn)
        return [k == 0 ? 0 : max(0, centre - half), k == n ? 1 : min(1, centre + half)]
    }

    /// Coverage per label over the seeds' observations (labels in first-seen order), then one
    /// pooled entry per family of labels sharing the prefix before the first comma ("variance
    /// ratio, …"): with many labels a few fall below 95% by chance, the pooled rate does not.
    public static func coverage(_ runs: [[CalibrationObservation]]) -> [IntervalCoverage] {
        var labels: [String] = []
        for run in runs { for o in run where !labels.contains(o.label) { labels.append(o.label) } }
        var covered: [String: (k: Int, n: Int)] = [:]
        var out = labels.map { label in
            let obs = runs.compactMap { $0.first { $0.label == label } }
                .filter { $0.estimate.isFinite && $0.ci95.count == 2 && $0.ci95.allSatisfy(\.isFinite) }
            let n = obs.count
            let mean = n > 0 ? obs.reduce(0) { $0 + $1.estimate } / Double(n) : .nan
            let exact = obs.first?.exact
            let target = exact ?? mean
            // Against the across-seed mean, seed i is compared with the mean of the others, whose
            // own noise adds 1/(n − 1) of a seed's variance: x_i − x̄₋ᵢ has variance σ²·n/(n − 1),
            // so the half-widths are scaled by √(n/(n − 1)). Without this a perfect interval would
            // cover only ≈ 94.4% at 40 seeds.
            let inflation = n > 1 ? (Double(n) / Double(n - 1)).squareRoot() : 1
            let k = obs.filter { o in
                guard exact == nil else { return o.ci95[0] <= target && target <= o.ci95[1] }
                let others = n > 1 ? (mean * Double(n) - o.estimate) / Double(n - 1) : mean
                let low = o.estimate - (o.estimate - o.ci95[0]) * inflation, high = o.estimate + (o.ci95[1] - o.estimate) * inflation
                return low <= others && others <= high
            }.count
            covered[label] = (k, n)
            let spread = n > 1 ? (obs.reduce(0) { $0 + ($1.estimate - mean) * ($1.estimate - mean) } / Double(n - 1)).squareRoot() : .nan
            let se = n > 0 ? obs.reduce(0) { $0 + ($1.ci95[1] - $1.ci95[0]) / (2 * 1.96) } / Double(n) : .nan
            var verdicts: [String: Int] = [:]
            for o in obs { if let v = o.verdict { verdicts[v.rawValue, default: 0] += 1 } }
            return summary(label: label, pooled: false, covered: k, trials: n, target: target, exact: exact != nil, mean: mean, spread: spread,
                           standardError: se, verdicts: verdicts)
        }
        for (family, members) in families(of: labels) {
            let k = members.reduce(0) { $0 + covered[$1]!.k }, n = members.reduce(0) { $0 + covered[$1]!.n }
            let entries = out.filter { members.contains($0.label) }
            var verdicts: [String: Int] = [:]
            for e in entries { for (v, c) in e.verdicts { verdicts[v, default: 0] += c } }
            out.append(summary(label: "\(family), all \(members.count) pooled", pooled: true, covered: k, trials: n, target: .nan,
                               exact: entries.allSatisfy(\.targetIsExact), mean: .nan, spread: .nan, standardError: .nan,
                               verdicts: verdicts))
        }
        return out
    }

    /// The family of a label: its prefix before the first comma ("variance ratio" of
    /// "variance ratio, smooth rba 4"); a label without a comma is its own family.
    public static func family(of label: String) -> String { String(label.prefix { $0 != "," }) }

    /// Families of labels sharing the prefix before the first comma, with two or more members
    /// (in first-seen order): "variance ratio, smooth rba 4", "variance ratio, smooth rba 8", ….
    static func families(of labels: [String]) -> [(family: String, members: [String])] {
        var families: [String] = []
        for label in labels {
            let family = family(of: label)
            if family != label, !families.contains(family) { families.append(family) }
        }
        return families.map { family in (family, labels.filter { $0.hasPrefix(family + ",") }) }.filter { $0.members.count > 1 }
    }

    static func summary(label: String, pooled: Bool, covered k: Int, trials n: Int, target: Double, exact: Bool, mean: Double, spread: Double,
                        standardError: Double, verdicts: [String: Int]) -> IntervalCoverage {
        let wilsonCI = wilson(successes: k, trials: n)
        // Judged by the Wilson interval against the accepted band, so a few seeds cannot brand an
        // interval either way and many seeds do not flag a harmless 94%.
        let band = IntervalCalibration.acceptedCoverage
        let assessment = n == 0 ? "no finite intervals" : wilsonCI[1] < band.lowerBound ? "undercovers"
            : wilsonCI[0] > band.upperBound ? "conservative" : "holds"
        return IntervalCoverage(label: label, pooled: pooled, seeds: n, target: target, targetIsExact: exact, coverage: n > 0 ? Double(k) / Double(n) : .nan,
                                coverageCI95: wilsonCI, meanEstimate: mean, spreadAcrossSeeds: spread,
                                meanReportedStandardError: standardError, verdicts: verdicts, assessment: assessment)
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
                out.append(CalibrationObservation(label: "bootstrap \(who)", estimate: f.order, ci95: b))
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
        if let shape = strongShape {
            out.append(CalibrationObservation(label: "strong shape A (coefficient of g(p)·τ)", estimate: shape.batchCoefficient.value,
                                              ci95: shape.batchCoefficientCI95, verdict: shape.verdict.verdict))
            out.append(CalibrationObservation(label: "strong shape B ± 1.96 SE (not printed as an interval)", estimate: shape.timeCoefficient.value,
                                              ci95: [shape.timeCoefficient.value - 1.96 * shape.timeCoefficient.standardError,
                                                     shape.timeCoefficient.value + 1.96 * shape.timeCoefficient.standardError]))
        }
        if let s = floorScaling {
            out.append(CalibrationObservation(label: "floor scaling exponent", estimate: s.exponent, ci95: s.ci95, verdict: s.verdict.verdict))
        }
        for profile in timeProfiles {
            guard let growth = profile.lateGrowth else { continue }
            let who = profile.kind == .time ? "time (full EM)" : "\(profile.kind.rawValue), p = \(profile.batchSize)"
            out.append(CalibrationObservation(label: "growth in t, \(who), τ = \(format(profile.dt))", estimate: growth.exponent, ci95: growth.ci95))
        }
        return out
    }
}


extension ConvergenceReport: CalibratedReport {
    /// The convergence study runs no test of an exactly true null hypothesis.
    public func testObservations() -> [TestObservation] { [] }
}
