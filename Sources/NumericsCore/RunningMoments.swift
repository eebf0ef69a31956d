/// Streaming, mergeable central moments up to order four (Pébay 2008, "Formulas for robust,
/// one-pass parallel computation of covariances and arbitrary-order statistical moments").
///
/// `add` is O(1); `merge` combines two partial accumulators exactly as if all samples had
/// been added to one, so per-thread accumulators can be merged in a fixed order for
/// reproducible results.
public struct RunningMoments: Sendable, Codable, Equatable {
    public private(set) var count: Int = 0
    public private(set) var mean: Double = 0
    /// Σ(x − mean)^k for k = 2, 3, 4.
    private var m2: Double = 0
    private var m3: Double = 0
    private var m4: Double = 0

    public init() {}

    public init<S: Sequence>(_ samples: S) where S.Element == Double {
        for x in samples { add(x) }
    }

    public mutating func add(_ x: Double) {
        let n1 = Double(count)
        count += 1
        let n = Double(count)
        let delta = x - mean
        let deltaN = delta / n
        let deltaN2 = deltaN * deltaN
        let term1 = delta * deltaN * n1
        mean += deltaN
        m4 += term1 * deltaN2 * (n * n - 3 * n + 3) + 6 * deltaN2 * m2 - 4 * deltaN * m3
        m3 += term1 * deltaN * (n - 2) - 3 * deltaN * m2
        m2 += term1
    }

    public mutating func merge(_ other: RunningMoments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let na = Double(count), nb = Double(other.count), n = na + nb
        let delta = other.mean - mean
        let d2 = delta * delta, d3 = d2 * delta, d4 = d2 * d2
        let newM4 = m4 + other.m4 + d4 * na * nb * (na * na - na * nb + nb * nb) / (n * n * n)
            + 6 * d2 * (na * na * other.m2 + nb * nb * m2) / (n * n) + 4 * delta * (na * other.m3 - nb * m3) / n
        let newM3 = m3 + other.m3 + d3 * na * nb * (na - nb) / (n * n) + 3 * delta * (na * other.m2 - nb * m2) / n
        let newM2 = m2 + other.m2 + d2 * na * nb / n
        mean += delta * nb / n
        m2 = newM2; m3 = newM3; m4 = newM4
        count += other.count
    }

    /// Unbiased sample variance s² = Σ(x − x̄)²/(n − 1).
    public var variance: Double { count > 1 ? m2 / Double(count - 1) : .nan }
    public var standardDeviation: Double { variance.squareRoot() }
    /// Standard error of the mean, s/√n.
    public var standardErrorOfMean: Double { count > 1 ? (variance / Double(count)).squareRoot() : .nan }
    /// Fourth central moment μ₄ (plug-in).
    public var fourthCentralMoment: Double { count > 0 ? m4 / Double(count) : .nan }
    /// Excess kurtosis μ₄/σ⁴ − 3 (plug-in); large values make variance estimates unreliable.
    public var excessKurtosis: Double {
        let v = m2 / Double(count)
        return count > 1 && v > 0 ? fourthCentralMoment / (v * v) - 3 : .nan
    }
    /// Standard error of s²: √((μ₄ − (n−3)/(n−1)·σ⁴)/n), the large-sample variance of the
    /// sample variance with plug-in moments.
    public var standardErrorOfVariance: Double {
        guard count > 3 else { return .nan }
        let n = Double(count), s2 = variance
        return max(0, (fourthCentralMoment - (n - 3) / (n - 1) * s2 * s2) / n).squareRoot()
    }

    public var meanEstimate: Estimate { Estimate(value: mean, standardError: standardErrorOfMean, count: count) }
    public var varianceEstimate: Estimate { Estimate(value: variance, standardError: standardErrorOfVariance, count: count) }
}
