import Foundation

/// The shape of an error measured against a reference computed at step h on the same noise:
///
///     e(τ) = C·(τ^q − h^q)        (h = 0: the plain power law e = C·τ^q).
///
/// Why: when the approximation and the reference are the same scheme at steps τ and h (here
/// Euler–Maruyama on one Brownian path), their leading error terms share one coefficient process,
/// so the difference behaves like C(τ^q − h^q) rather than C·τ^q; a plain power law fitted to
/// such data has local slopes that rise towards 1/(1 − h/τ) at the finest levels. With h = 0 the
/// model is the usual one. Requires τ > h for every level (then q ↦ log(τ^q − h^q) is smooth and
/// strictly increasing in the ratio sense used by ``localOrder(_:_:logRatio:)``).
public struct ErrorShape: Sendable, Equatable {
    /// The reference step h ≥ 0.
    public let referenceStep: Double

    public init(referenceStep: Double = 0) { self.referenceStep = max(0, referenceStep) }

    /// log(τ^q − h^q); −∞ when τ ≤ h or q ≤ 0 with h > 0.
    public func logShape(_ tau: Double, order q: Double) -> Double {
        let h = referenceStep
        if h == 0 { return q * log(tau) }
        guard q > 0, tau > h else { return -.infinity }
        // log τ^q + log(1 − (h/τ)^q), accurate when (h/τ)^q is small.
        return q * log(tau) + log1p(-exp(q * log(h / tau)))
    }

    /// The order q with log(e_a/e_b) = logShape(τ_a, q) − logShape(τ_b, q) for τ_a > τ_b, solved
    /// by bisection on [lower, upper] (the ratio is monotone in q); nil when no root lies there.
    public func localOrder(_ tauA: Double, _ tauB: Double, logRatio: Double,
                           lower: Double = -1, upper: Double = 6) -> Double? {
        precondition(tauA > tauB, "local order needs τ_a > τ_b")
        if referenceStep == 0 { return logRatio / log(tauA / tauB) }
        func gap(_ q: Double) -> Double { logShape(tauA, order: q) - logShape(tauB, order: q) - logRatio }
        var lo = max(lower, 1e-6), hi = upper
        guard gap(lo).isFinite, gap(hi).isFinite, gap(lo) < 0, gap(hi) > 0 else { return nil }
        for _ in 0..<200 where hi - lo > 1e-13 {
            let mid = (lo + hi) / 2
            if gap(mid) < 0 { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    /// d/dq of logShape(τ_a, q) − logShape(τ_b, q), by central differences.
    public func logRatioDerivative(_ tauA: Double, _ tauB: Double, at q: Double) -> Double {
        if referenceStep == 0 { return log(tauA / tauB) }
        let step = 1e-6 * max(1, abs(q))
        func ratio(_ x: Double) -> Double { logShape(tauA, order: x) - logShape(tauB, order: x) }
        return (ratio(q + step) - ratio(q - step)) / (2 * step)
    }
}
