import Foundation
import NumericsCore

/// The exponent b of e(x) ≈ a·x^b from independent estimates e₁…e_k at x₁…x_k: weighted least
/// squares of log e on log x with weights (e/SE)² (delta method, var log e ≈ (SE/e)²),
///
///     b̂ = Σ wᵢ(uᵢ − ū)(yᵢ − ȳ) / Σ wᵢ(uᵢ − ū)²,  SE(b̂)² = s² / Σ wᵢ(uᵢ − ū)²,
///
/// u = log x, y = log e, with s² = max(1, χ²/(k − 2)) the Birge factor when the points scatter
/// more than their SEs allow (k > 2). The 95% interval uses the Student t of the smallest
/// sample count minus one. Cost O(k).
public struct PowerLawFit: Codable, Sendable {
    public var exponent: Double
    public var standardError: Double
    public var ci95: [Double]
    public var birgeFactor: Double
    public var count: Int

    public init?(x: [Double], errors: [Estimate]) {
        let usable = zip(x, errors).filter { $0.0 > 0 && $0.1.value > 0 && $0.1.standardError > 0 && $0.1.standardError.isFinite }
        guard usable.count >= 2 else { return nil }
        let u = usable.map { log($0.0) }, y = usable.map { log($0.1.value) }
        let w = usable.map { ($0.1.value / $0.1.standardError) * ($0.1.value / $0.1.standardError) }
        let sw = w.reduce(0, +)
        let uBar = zip(w, u).reduce(0) { $0 + $1.0 * $1.1 } / sw, yBar = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sw
        var sxx = 0.0, sxy = 0.0
        for i in u.indices { sxx += w[i] * (u[i] - uBar) * (u[i] - uBar); sxy += w[i] * (u[i] - uBar) * (y[i] - yBar) }
        guard sxx > 0 else { return nil }
        let b = sxy / sxx, a = yBar - b * uBar
        var chi2 = 0.0
        for i in u.indices { let r = y[i] - a - b * u[i]; chi2 += w[i] * r * r }
        let birge = usable.count > 2 ? max(1, chi2 / Double(usable.count - 2)) : 1
        let se = (birge / sxx).squareRoot()
        let m = usable.map { $0.1.count }.min() ?? 2
        let t = Distributions.studentT95(degreesOfFreedom: Double(max(1, m - 1)))
        exponent = b
        standardError = se
        ci95 = [b - t * se, b + t * se]
        birgeFactor = birge
        count = m
    }

    /// The equivalence verdict against `theory` ± `tolerance` (``OrderVerdictRule/test(centre:lower:upper:band:trajectories:subject:bandText:approaching:)``).
    public func verdict(theory: Double, tolerance: Double) -> VerdictRecord {
        OrderVerdictRule.test(centre: exponent, lower: ci95[0], upper: ci95[1], band: (theory - tolerance, theory + tolerance),
                              trajectories: count, subject: "exponent \(format(exponent)), 95% CI \(interval(ci95))",
                              bandText: "\(format(theory)) ± \(format(tolerance))", approaching: nil)
    }
}

/// A seed for run `index` of a sweep (over N, over T), independent of the others: SplitMix64 of
/// the seed and the index (Steele, Lea, Flood, OOPSLA 2014).
public func sweepSeed(_ seed: UInt64, _ index: UInt64) -> UInt64 {
    var z = seed &+ (index &+ 1) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
