import Foundation
import Reports
import NumericsCore
import Studies

/// The measured error rates of claims: each claim checked at seeds s, s + 1, …, s + R − 1 on its
/// configuration, with the frequency of each verdict and a Wilson 95% interval for the rate of
/// false rejections (every catalogue claim is true on its defaults, so a rejection is an error
/// of the first kind) and of verdicts other than "holds" (the rate at which a true claim is not
/// confirmed: one minus the power of the equivalence rule at that configuration).
///
/// Cost: R times the cost of each claim (`rbm-study check --all --calibrate 40` ≈ 9 minutes on
/// 2 cores).
public struct ClaimCalibration: Codable, Sendable {
    public var schema = "rbm-study/check-calibration/1"
    public var manifest: RunManifest
    public var seeds: Int
    /// True when a claimed value was replaced (`--expect`): the claim is then false by design
    /// and its rejection rate is the power of the check.
    public var claimedValueOverridden = false
    public var claims: [Entry]

    public struct Entry: Codable, Sendable {
        public var id: String
        public var holds: Int
        public var rejected: Int
        public var inconclusive: Int
        /// Rejections / seeds with a Wilson 95% interval.
        public var rejectionRate: Double
        public var rejectionRateCI95: [Double]
        /// (rejected + inconclusive) / seeds with a Wilson 95% interval.
        public var notConfirmedRate: Double
        public var notConfirmedRateCI95: [Double]
        /// The claim's stated error rate, for comparison.
        public var statedErrorRate: String
        public var meanSeconds: Double
    }

    public static func run(_ claims: [any Claim], firstSeed: UInt64, seeds r: Int, threads: Int,
                           progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> ClaimCalibration {
        let start = Date()
        var entries: [Entry] = []
        for (k, claim) in claims.enumerated() {
            var counts: [ClaimVerdict: Int] = [:], seconds = 0.0, stated = ""
            for s in 0..<r {
                progress?(k * r + s, claims.count * r)
                let outcome = try claim.check(seed: firstSeed &+ UInt64(s), threads: threads)
                counts[outcome.verdict, default: 0] += 1
                seconds += outcome.seconds
                stated = outcome.errorRate
            }
            let rejected = counts[.rejected] ?? 0, inconclusive = counts[.inconclusive] ?? 0
            entries.append(Entry(id: claim.id, holds: counts[.holds] ?? 0, rejected: rejected, inconclusive: inconclusive,
                                 rejectionRate: Double(rejected) / Double(r),
                                 rejectionRateCI95: IntervalCalibration.wilson(successes: rejected, trials: r),
                                 notConfirmedRate: Double(rejected + inconclusive) / Double(r),
                                 notConfirmedRateCI95: IntervalCalibration.wilson(successes: rejected + inconclusive, trials: r),
                                 statedErrorRate: stated, meanSeconds: seconds / Double(r)))
        }
        progress?(claims.count * r, claims.count * r)
        return ClaimCalibration(manifest: RunManifest(seed: firstSeed, command: "", threads: threads, wallSeconds: Date().timeIntervalSince(start)),
                                seeds: r, claims: entries)
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    public func table() -> String {
        let width = max(12, (claims.map(\.id.count).max() ?? 0) + 2)
        var out = "claim calibration: \(seeds) seeds from \(manifest.seed); "
        out += claimedValueOverridden
            ? "the claimed value was replaced (--expect), so the rejection rate is the check's power\n\n"
            : "every catalogue claim is true on its defaults, so a rejection is a false rejection\n\n"
        out += "claim".padding(toLength: width, withPad: " ", startingAt: 0) + "holds  rejected  inconclusive  rejection rate [95% CI]         not confirmed [95% CI]\n"
        for e in claims {
            out += e.id.padding(toLength: width, withPad: " ", startingAt: 0)
                + String(format: "%5d  %8d  %12d  %6.1f%% [%4.1f, %4.1f]            %5.1f%% [%4.1f, %4.1f]\n", e.holds, e.rejected, e.inconclusive,
                         100 * e.rejectionRate, 100 * e.rejectionRateCI95[0], 100 * e.rejectionRateCI95[1],
                         100 * e.notConfirmedRate, 100 * e.notConfirmedRateCI95[0], 100 * e.notConfirmedRateCI95[1])
        }
        return out
    }

    /// Every table of the calibration, in the order `--format csv` prints them: `calibration`,
    /// one row per claim (kind `rejection-rate` over `count` seeds with its 95% interval; how
    /// often it held, was rejected or was inconclusive; the rate of "not confirmed").
    public func tidyTables() -> [TidyTable] {
        var table = TidyTable(name: "calibration", extraColumns: [
            "id", "holds", "rejected", "inconclusive", "ci95Low", "ci95High", "notConfirmedRate", "notConfirmedLow", "notConfirmedHigh",
            "meanSeconds"])
        for e in claims {
            table.append(TidyRow(system: "", particles: nil, dimension: nil, estimator: "", sizeName: "", size: nil, kind: "rejection-rate",
                                 estimate: Estimate(value: e.rejectionRate, standardError: .nan, count: seeds), seed: manifest.seed, extra: [
                                    "id": e.id, "holds": String(e.holds), "rejected": String(e.rejected), "inconclusive": String(e.inconclusive),
                                    "ci95Low": String(e.rejectionRateCI95[0]), "ci95High": String(e.rejectionRateCI95[1]),
                                    "notConfirmedRate": String(e.notConfirmedRate), "notConfirmedLow": String(e.notConfirmedRateCI95[0]),
                                    "notConfirmedHigh": String(e.notConfirmedRateCI95[1]), "meanSeconds": String(e.meanSeconds)]))
        }
        return [table]
    }
}
