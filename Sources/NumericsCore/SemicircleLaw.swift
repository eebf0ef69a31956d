import Foundation

/// The Wigner semicircle law on [−R, R]: density ρ(x) = 2/(πR²)·√(R² − x²), mean 0, second
/// moment R²/4.
///
/// With u = x/R:
///
///     F(x) = ½ + (u√(1 − u²) + arcsin u)/π,
///     G(x) = ∫_{−R}^{x} F = R·[½(u + 1) + (u·arcsin u + √(1 − u²) − (1 − u²)^{3/2}/3 − π/2)/π],
///
/// with F = 0, G = 0 left of −R and F = 1, G(x) = R + (x − R) right of R. G makes the
/// Wasserstein-1 distance of an empirical measure to the law exact (``EmpiricalDistanceToLaw``).
/// Every function is O(1) except ``quantile(_:)`` (bisection, ≤ 200 CDF evaluations).
public struct SemicircleLaw: Sendable, Equatable {
    public let radius: Double
    public init(radius: Double) { self.radius = radius }

    /// The radius at time t of the mean-field limit of Dyson Brownian motion
    /// dλⱼ = −λⱼ dt + (1/N) Σ_{k≠j} dt/(λⱼ − λₖ) + √(2/(βN)) dBⱼ started from a semicircle of
    /// radius R(0): R(t)² = 2 + (R(0)² − 2)·e^{−2t} (equilibrium radius √2, whatever β).
    public static func dysonRadius(at t: Double, initialRadius r0: Double) -> Double {
        (2 + (r0 * r0 - 2) * exp(-2 * t)).squareRoot()
    }

    /// F(x) = ½ + x√(R²−x²)/(πR²) + arcsin(x/R)/π.
    public func cdf(_ x: Double) -> Double {
        if x <= -radius { return 0 }
        if x >= radius { return 1 }
        let u = x / radius
        return 0.5 + (u * (1 - u * u).squareRoot() + asin(u)) / Double.pi
    }

    /// G(x) = ∫_{−∞}^{x} F(s) ds in closed form (see the type's documentation).
    public func integratedCDF(_ x: Double) -> Double {
        if x <= -radius { return 0 }
        if x >= radius { return radius + (x - radius) }
        let u = x / radius, w = (1 - u * u).squareRoot()
        return radius * (0.5 * (u + 1) + (u * asin(u) + w - w * w * w / 3 - Double.pi / 2) / Double.pi)
    }

    /// F⁻¹(u) by bisection to machine precision (F is strictly increasing on [−R, R]).
    public func quantile(_ u: Double) -> Double {
        var lo = -radius, hi = radius
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if cdf(mid) < u { lo = mid } else { hi = mid }
            if hi - lo <= 4 * Double.ulpOfOne * radius { break }
        }
        return 0.5 * (lo + hi)
    }
}
