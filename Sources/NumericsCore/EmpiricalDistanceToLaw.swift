/// A continuous probability law on the real line with its CDF F in closed form, the integral
/// G(x) = ∫_{−∞}^{x} F and the quantile F⁻¹ — what ``EmpiricalDistanceToLaw`` needs for exact
/// distances.
public protocol ContinuousLawOnLine: Sendable {
    func cdf(_ x: Double) -> Double
    func integratedCDF(_ x: Double) -> Double
    func quantile(_ u: Double) -> Double
}

extension SemicircleLaw: ContinuousLawOnLine {}

/// Distances between the empirical measure μ_N = (1/N) Σᵢ δ_{xᵢ} of N points on the line and a
/// continuous law with CDF F, computed exactly (no quadrature), from the points in increasing
/// order x₍₁₎ ≤ … ≤ x₍N₎:
///
/// - Wasserstein-1 (in one dimension the L¹ distance of the CDFs, Vallender 1973):
///   W₁ = ∫ |F_N − F| dx, with F_N = k/N on [x₍k₎, x₍k+1₎). On each such interval the integral of
///   |k/N − F| is G(b) − G(a) − (k/N)(b − a) in absolute value, split at the quantile F⁻¹(k/N)
///   when F crosses k/N inside it; the two unbounded end pieces are ∫_{−∞}^{x₍₁₎} F = G(x₍₁₎) and
///   ∫_{x₍N₎}^{∞} (1 − F) = (M − x₍N₎) − (G(M) − G(x₍N₎)) for a point M past the support.
/// - Kolmogorov: D = sup_x |F_N(x) − F(x)| = maxₖ max(k/N − F(x₍k₎), F(x₍k₎) − (k−1)/N), attained
///   at the atoms.
///
/// Cost O(N) after sorting, plus one quantile (bisection) per interval that F crosses its level in
/// (at most N).
public enum EmpiricalDistanceToLaw {
    /// W₁(μ_N, law) for `sorted` in increasing order (N ≥ 1).
    public static func wasserstein1<L: ContinuousLawOnLine>(sorted x: [Double], law: L) -> Double {
        let n = x.count
        precondition(n >= 1, "W1 of an empirical measure needs at least one point")
        var total = law.integratedCDF(x[0])  // ∫_{−∞}^{x₍₁₎} F, F_N = 0 there
        for k in 1..<n {
            total += pieceIntegral(from: x[k - 1], to: x[k], level: Double(k) / Double(n), law: law)
        }
        // ∫_{x₍N₎}^{∞} (1 − F): F = 1 past the support, so stop at a point beyond it.
        let end = max(x[n - 1], law.quantile(1)) + 1
        total += (end - x[n - 1]) - (law.integratedCDF(end) - law.integratedCDF(x[n - 1]))
        return total
    }

    /// ∫_a^b |c − F(s)| ds for a ≤ b (F increasing): split at F⁻¹(c) when F crosses c in (a, b).
    static func pieceIntegral<L: ContinuousLawOnLine>(from a: Double, to b: Double, level c: Double, law: L) -> Double {
        guard b > a else { return 0 }
        let fa = law.cdf(a), fb = law.cdf(b)
        func signed(_ u: Double, _ v: Double) -> Double { (law.integratedCDF(v) - law.integratedCDF(u)) - c * (v - u) }
        if fa >= c { return abs(signed(a, b)) }
        if fb <= c { return abs(signed(a, b)) }
        let q = min(max(law.quantile(c), a), b)
        return abs(signed(a, q)) + abs(signed(q, b))
    }

    /// sup_x |F_N(x) − F(x)| for `sorted` in increasing order (N ≥ 1).
    public static func kolmogorov<L: ContinuousLawOnLine>(sorted x: [Double], law: L) -> Double {
        let n = Double(x.count)
        var d = 0.0
        for (k, xk) in x.enumerated() {
            let f = law.cdf(xk)
            d = max(d, Double(k + 1) / n - f, f - Double(k) / n)
        }
        return d
    }
}
