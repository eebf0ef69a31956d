import Foundation
import NumericsCore

/// One test decision a study printed for one seed, as collected by a calibration run: whether a
/// test whose null hypothesis holds exactly (an unbiased estimator, an exact variance law)
/// rejected it.
public struct TestObservation: Sendable {
    /// What was tested, e.g. "zero-bias test, rba p = 4" (the same label in every seed).
    public var label: String
    public var rejected: Bool
    /// The level the test is designed for (its nominal size α).
    public var level: Double

    public init(label: String, rejected: Bool, level: Double) {
        self.label = label
        self.rejected = rejected
        self.level = level
    }
}

/// The empirical size of one test over R seeds: the fraction of seeds in which it rejected a
/// null hypothesis that holds exactly, with a Wilson 95% interval, against its nominal level.
public struct TestSize: Codable, Sendable {
    public var label: String
    /// True for the entry that pools every label of a family.
    public var pooled: Bool
    /// Decisions observed (seeds, or seeds × rows for a pooled label).
    public var trials: Int
    public var rejections: Int
    public var rate: Double
    public var rateCI95: [Double]
    public var level: Double
    /// "exceeds level" when the Wilson interval lies entirely above the nominal level, else "holds".
    public var assessment: String

    private enum CodingKeys: String, CodingKey { case label, pooled, trials, rejections, rate, rateCI95, level, assessment }

    /// An empty label's rate is JSON null.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(label, forKey: .label)
        try c.encode(pooled, forKey: .pooled)
        try c.encode(trials, forKey: .trials)
        try c.encode(rejections, forKey: .rejections)
        try c.encode(jsonNumber(rate), forKey: .rate)
        try c.encode(rateCI95, forKey: .rateCI95)
        try c.encode(level, forKey: .level)
        try c.encode(assessment, forKey: .assessment)
    }
}

extension IntervalCalibration {
    /// Size per label (labels in first-seen order), plus one pooled entry per test family when a
    /// label's prefix before the first comma is shared by several labels.
    public static func sizes(_ runs: [[TestObservation]]) -> [TestSize] {
        var labels: [String] = []
        for run in runs { for o in run where !labels.contains(o.label) { labels.append(o.label) } }
        func summary(_ label: String, pooled: Bool, _ observations: [TestObservation]) -> TestSize {
            let n = observations.count, k = observations.filter(\.rejected).count
            let level = observations.first?.level ?? .nan
            let ci = wilson(successes: k, trials: n)
            return TestSize(label: label, pooled: pooled, trials: n, rejections: k, rate: n > 0 ? Double(k) / Double(n) : .nan, rateCI95: ci,
                            level: level, assessment: ci[0] > level ? "exceeds level" : "holds")
        }
        var out = labels.map { label in summary(label, pooled: false, runs.flatMap { $0.filter { $0.label == label } }) }
        for (family, members) in families(of: labels) {
            out.append(summary("\(family), all \(members.count) pooled", pooled: true, runs.flatMap { $0.filter { members.contains($0.label) } }))
        }
        return out
    }
}
