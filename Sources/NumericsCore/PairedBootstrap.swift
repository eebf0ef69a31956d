/// Paired (case-resampling) bootstrap over independent trajectories.
///
/// Each replicate draws `count` trajectory indices uniformly from 0..<count with
/// replacement. The caller evaluates its statistic on the whole index array, so every
/// quantity computed from one trajectory (e.g. its errors at all step sizes) is resampled
/// jointly, which preserves the correlation between levels that share noise.
///
/// Deterministic given the stream: replicate r uses draws r·count ..< (r+1)·count of it.
/// Complexity O(replicates · count) draws. Reference: Efron & Tibshirani, *An Introduction
/// to the Bootstrap* (1993), ch. 6 and 13 (percentile interval).
public struct PairedBootstrap {
    public let replicates: Int
    public let stream: RandomStream

    public init(replicates: Int, stream: RandomStream) {
        precondition(replicates >= 1, "bootstrap replicates must be ≥ 1, got \(replicates)")
        self.replicates = replicates
        self.stream = stream
    }

    /// One resample: `count` indices drawn uniformly from 0..<count with replacement.
    public func nextResample(count: Int) -> [Int] {
        precondition(count >= 1, "bootstrap over \(count) trajectories")
        return (0..<count).map { _ in stream.uniformInt(below: count) }
    }

    /// `replicates` resampled index arrays.
    public func resamples(count: Int) -> [[Int]] {
        (0..<replicates).map { _ in nextResample(count: count) }
    }

    /// The statistic evaluated on each of `replicates` resamples, in order.
    public func replicateStatistics(count: Int, _ statistic: ([Int]) throws -> Double) rethrows -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(replicates)
        for _ in 0..<replicates { out.append(try statistic(nextResample(count: count))) }
        return out
    }

    /// Percentile interval [q_{(1−level)/2}, q_{(1+level)/2}] of the finite statistics, with
    /// linear interpolation between order statistics (Hyndman–Fan type 7, as GSL's
    /// `gsl_stats_quantile_from_sorted_data`). Non-finite values (failed refits) are
    /// ignored; returns nil when fewer than half of the values are finite. O(R log R).
    public static func percentileInterval(of statistics: [Double], level: Double = 0.95) -> (lower: Double, upper: Double)? {
        precondition(level > 0 && level < 1, "interval level must be in (0, 1), got \(level)")
        let finite = statistics.filter(\.isFinite).sorted()
        guard !finite.isEmpty, 2 * finite.count >= statistics.count else { return nil }
        func quantile(_ f: Double) -> Double {
            let h = f * Double(finite.count - 1)
            let i = Int(h.rounded(.down))
            guard i + 1 < finite.count else { return finite[finite.count - 1] }
            return finite[i] + (h - Double(i)) * (finite[i + 1] - finite[i])
        }
        return (quantile((1 - level) / 2), quantile((1 + level) / 2))
    }
}
