import Foundation
import NumericsCore
import Synchronization

/// Bias, variance and a zero-bias test for a vector estimator Ŷ ∈ ℝ^K (K = N rows × d_v) at fixed
/// inputs with a known target y, from R independent draws.
///
/// **Two passes over the draws**, each draw regenerated from its own keyed stream (so nothing of
/// size R·K is stored): pass 1 accumulates per coordinate Σ(ŷ−y) and Σ(ŷ−y)²; pass 2 accumulates,
/// per draw, w = ‖ŷ − ȳ‖² and e = ‖ŷ − y‖². Draws are split into a fixed number of shards (draw r in
/// shard r mod S) merged in shard order, so results are bit-identical for any thread count.
///
/// Reported per row (divided by N: mean over tokens/particles of a squared norm over d_v):
/// - **variance** tr Ĉov/N = Σₖ sₖ²/N with sₖ² the unbiased per-coordinate sample variances; its SE
///   from the fourth moment, SE = sd(w)/√R/N: the multivariate form of √((μ₄ − σ⁴)/R);
/// - **kurtosis** κ = E‖Ŷ−μ‖⁴/(E‖Ŷ−μ‖²)² (plug-in; μ₄/σ⁴ in one dimension, 1 + 2/K for an isotropic
///   Gaussian); the relative SE of the variance is √((κ−1)/R); a large κ means a few draws dominate;
/// - **mean squared error** mean(e)/N ± SE (the variance plus ‖bias‖²/N);
/// - **bias** ‖ȳ − y‖/√N (RMS over rows) with SE √(tr Ĉov/(R·N)) (the norm an unbiased estimator
///   shows from noise alone);
/// - **zero-bias test** ``ZeroBiasTest``: T = R‖ȳ − y‖²/V with V the closed-form trace of the
///   covariance when `theoreticalVariance` is given, else the sample trace; its p-value and
///   three-way ``BiasVerdict``, and the ``ZeroBiasTest/Evidence`` that pools configurations.
public enum EstimatorDrawStatistics {
    /// Shards of the draws; fixed so that results do not depend on the thread count.
    public static let shards = 16

    public struct Summary: Codable, Sendable {
        public var draws: Int
        public var variance: Estimate
        public var meanSquaredError: Estimate
        public var bias: Estimate
        /// p-value of the zero-bias test at this configuration (``ZeroBiasTest``).
        public var biasPValue: Double
        /// The zero-bias test's T = R‖ȳ − y‖²/V at this configuration.
        public var biasStatistic: Double
        public var biasVerdict: BiasVerdict
        /// What this configuration contributes when configurations are pooled.
        public var biasEvidence: ZeroBiasTest.Evidence
        public var kurtosis: Double
        /// RMS over rows of the target, ‖y‖/√N (the scale of the output).
        public var targetRMS: Double
    }

    /// Pass-1 sums over a shard of draws.
    struct DeviationSums {
        var count = 0
        var sum: [Double], sumSquares: [Double]

        init(dimension k: Int) {
            sum = [Double](repeating: 0, count: k)
            sumSquares = sum
        }

        mutating func add(_ estimate: [Double], target: [Double]) {
            count += 1
            for k in sum.indices {
                let e = estimate[k] - target[k]
                sum[k] += e
                sumSquares[k] += e * e
            }
        }

        mutating func merge(_ other: DeviationSums) {
            count += other.count
            for k in sum.indices {
                sum[k] += other.sum[k]
                sumSquares[k] += other.sumSquares[k]
            }
        }
    }

    /// Pass-2 moments over a shard of draws.
    struct DrawMoments {
        var spread = RunningMoments(), squaredError = RunningMoments()

        mutating func merge(_ other: DrawMoments) {
            spread.merge(other.spread)
            squaredError.merge(other.squaredError)
        }
    }

    /// Measures an estimator from `draws` ≥ 4 draws. `makeDrawer` is called once per shard (so it can
    /// own scratch space) and returns a function that writes draw number r (0-based) into its
    /// buffer; draw r must depend only on r (a stream keyed by r), since each draw is made twice.
    /// `theoreticalVariance`, when known, is the closed-form tr Cov Ŷ = Σᵢ E‖Ŷᵢ − yᵢ‖² under zero
    /// bias, used by the zero-bias test in place of the sample trace.
    public static func measure(target: [Double], rows: Int, draws: Int, threads: Int, theoreticalVariance: Double? = nil,
                               makeDrawer: @Sendable () -> (Int, inout [Double]) -> Void) -> Summary {
        precondition(draws >= 4 && rows >= 1 && target.count % rows == 0, "measure: R = \(draws), N = \(rows)")
        let k = target.count, shardCount = min(shards, draws)
        // Pass 1.
        let first = ShardResults<DeviationSums>(count: shardCount)
        parallelForEach(shardCount, threads: threads) { shard in
            let draw = makeDrawer()
            var sums = DeviationSums(dimension: k), estimate = [Double](repeating: 0, count: k)
            for r in stride(from: shard, to: draws, by: shardCount) {
                draw(r, &estimate)
                sums.add(estimate, target: target)
            }
            first.set(shard, sums)
        }
        var sums = first.value(0)
        for shard in 1..<shardCount { sums.merge(first.value(shard)) }
        let r = Double(draws)
        let mean = (0..<k).map { target[$0] + sums.sum[$0] / r }

        // Pass 2.
        let second = ShardResults<DrawMoments>(count: shardCount)
        parallelForEach(shardCount, threads: threads) { shard in
            let draw = makeDrawer()
            var moments = DrawMoments(), estimate = [Double](repeating: 0, count: k)
            for index in stride(from: shard, to: draws, by: shardCount) {
                draw(index, &estimate)
                var w = 0.0, e = 0.0
                for c in 0..<k {
                    let centred = estimate[c] - mean[c], error = estimate[c] - target[c]
                    w += centred * centred
                    e += error * error
                }
                moments.spread.add(w)
                moments.squaredError.add(e)
            }
            second.set(shard, moments)
        }
        var moments = second.value(0)
        for shard in 1..<shardCount { moments.merge(second.value(shard)) }

        // Variance: Σ sₖ², SE from the spread of w.
        var traceVariance = 0.0, biasSquared = 0.0, targetSquared = 0.0
        for c in 0..<k {
            let b = sums.sum[c] / r
            traceVariance += max(0, (sums.sumSquares[c] - sums.sum[c] * b) / (r - 1))
            biasSquared += b * b
            targetSquared += target[c] * target[c]
        }
        let n = Double(rows)
        let w = moments.spread
        let varianceSE = w.standardErrorOfMean * r / (r - 1) / n
        let kurtosis = w.mean > 0 ? 1 + w.variance * (w.count > 1 ? Double(w.count - 1) / Double(w.count) : 1) / (w.mean * w.mean) : .nan
        let targetRMS = (targetSquared / n).squareRoot()
        let evidence = ZeroBiasTest.Evidence(draws: draws, deviationSquared: biasSquared,
                                             variance: theoreticalVariance ?? traceVariance,
                                             varianceFromTheory: theoreticalVariance != nil, kurtosis: kurtosis,
                                             roundingTolerance: ZeroBiasTest.Evidence.roundingTolerance(rows: rows, targetRMS: targetRMS))
        let test = ZeroBiasTest.combine([evidence])
        return Summary(draws: draws,
                       variance: Estimate(value: traceVariance / n, standardError: varianceSE, count: draws),
                       meanSquaredError: Estimate(value: moments.squaredError.mean / n,
                                                  standardError: moments.squaredError.standardErrorOfMean / n, count: draws),
                       bias: Estimate(value: (biasSquared / n).squareRoot(), standardError: (traceVariance / (r * n)).squareRoot(), count: draws),
                       biasPValue: test.pValue, biasStatistic: test.statistic, biasVerdict: test.verdict, biasEvidence: evidence,
                       kurtosis: kurtosis, targetRMS: targetRMS)
    }
}

/// Per-shard results written by parallel workers (each index by one worker), read after the join.
final class ShardResults<Value: Sendable>: Sendable {
    private let values: Mutex<[Value?]>

    init(count: Int) { values = Mutex(Array(repeating: nil, count: count)) }

    func set(_ index: Int, _ value: Value) {
        values.withLock { $0[index] = value }
    }

    func value(_ index: Int) -> Value {
        guard let value = values.withLock({ $0[index] }) else { preconditionFailure("shard \(index) produced no result") }
        return value
    }
}
