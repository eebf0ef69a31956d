import Foundation
import NumericsCore

/// The exponent e of an RMS error F(x) ∝ x^e from mean squares measured on the *same*
/// trajectories at every x (floors at several batch sizes, one error at several checkpoint
/// times), so the points are correlated and their covariance is estimated directly.
///
/// Each trajectory t contributes sₖ(t) to the mean square at xₖ, F²ₖ = mean_t sₖ(t). With
/// yₖ = ½ log F²ₖ and uₖ = log xₖ the exponent is the unweighted least-squares slope
///
///     ê = Σ wₖ yₖ,  wₖ = (uₖ − ū) / Σ (uⱼ − ū)²,  Var ê = Σ wₐ Cov(yₐ, y_b) w_b,
///     Cov(yₐ, y_b) ≈ ¼ Cov(sₐ, s_b) / (m · F²ₐ · F²_b)            (delta method),
///
/// a sandwich variance that stays valid when the power law does not hold. The 95% interval uses
/// Student's t with m − 1 degrees of freedom. Lack of fit: the GLS χ² of the residuals under that
/// covariance, as a Hotelling F (``OrderFit/lackOfFitPValue(chiSquared:residualDimensions:trajectories:)``).
/// With `widenOnLackOfFit`, when it rejects (p < 0.01) the interval spans the local exponents'
/// intervals, as for orders (for a verdict about the asymptotic exponent); without, the interval
/// is that of the least-squares slope itself, which the sandwich SE covers either way.
/// Local exponents log(Fₖ₊₁/Fₖ)/log(xₖ₊₁/xₖ) carry their SEs from the same covariance.
///
/// Cost O(k²·m) for k points and m trajectories.
public struct SharedSampleExponentFit: Sendable {
    public var exponent: Double
    public var standardError: Double
    public var ci95: [Double]
    public var lackOfFitP: Double?
    /// False when the lack of fit rejects one exponent (``ci95`` then spans the local exponents
    /// when the fit widens on lack of fit).
    public var singleExponentAdequate: Bool
    public var localExponents: [Double]
    public var localExponentStandardErrors: [Double?]
    public var trajectories: Int

    /// The finest local exponent (between the two largest x) with its SE.
    public var lastLocalExponent: Estimate? {
        localExponents.last.flatMap { q in localExponentStandardErrors.last.flatMap { $0 }.map { Estimate(value: q, standardError: $0, count: trajectories) } }
    }

    /// `x` increasing and distinct; `contributions[k][t]` the contribution of trajectory t to the
    /// mean square at x[k]. Nil with fewer than two points or two trajectories, or a
    /// non-positive or non-finite mean square.
    public init?(x: [Double], contributions: [[Double]], widenOnLackOfFit: Bool = true) {
        let k = x.count
        guard k >= 2, contributions.count == k, let m = contributions.first?.count, m >= 2,
              contributions.allSatisfy({ $0.count == m }), x.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        let means = contributions.map { $0.reduce(0, +) / Double(m) }
        guard means.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        var covariance = Matrix(rows: k, columns: k)  // of y = ½ log F²
        for a in 0..<k { for b in 0..<k {
            var c = 0.0
            for t in 0..<m { c += (contributions[a][t] - means[a]) * (contributions[b][t] - means[b]) }
            covariance[a, b] = 0.25 * c / (Double(m - 1) * Double(m)) / (means[a] * means[b])
        } }
        let u = x.map { log($0) }, y = means.map { 0.5 * log($0) }
        let uBar = u.reduce(0, +) / Double(k), yBar = y.reduce(0, +) / Double(k)
        let suu = u.reduce(0) { $0 + ($1 - uBar) * ($1 - uBar) }
        guard suu > 0 else { return nil }
        let w = u.map { ($0 - uBar) / suu }
        let slope = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 }
        var variance = 0.0
        for a in 0..<k { for b in 0..<k { variance += w[a] * covariance[a, b] * w[b] } }
        let se = max(0, variance).squareRoot()
        let t = Distributions.studentT95(degreesOfFreedom: Double(m - 1))
        var local: [Double] = [], localSE: [Double?] = []
        for j in 0..<(k - 1) {
            let span = u[j + 1] - u[j]
            local.append((y[j + 1] - y[j]) / span)
            let v = covariance[j, j] + covariance[j + 1, j + 1] - 2 * covariance[j, j + 1]
            localSE.append(max(0, v).squareRoot() / span)
        }
        var lackOfFit: Double? = nil
        if k > 2 {
            let intercept = yBar - slope * uBar
            var line = Matrix(rows: k, columns: 2)
            for a in 0..<k { line[a, 0] = 1; line[a, 1] = u[a] }
            let residuals = (0..<k).map { y[$0] - intercept - slope * u[$0] }
            if let gls = try? GeneralizedLeastSquares(design: line, observations: residuals, covariance: covariance) {
                lackOfFit = OrderFit.lackOfFitPValue(chiSquared: gls.chiSquared, residualDimensions: k - 2, trajectories: m)
            }
        }
        let adequate = (lackOfFit ?? 1) >= OrderFit.Settings().lackOfFitLevel
        var ci = [slope - t * se, slope + t * se]
        if !adequate && widenOnLackOfFit {
            let hull = OrderFit.hull((ci[0], ci[1]), local: local, standardErrors: localSE, t: t)
            ci = [hull.0, hull.1]
        }
        exponent = slope
        standardError = se
        ci95 = ci
        lackOfFitP = lackOfFit
        singleExponentAdequate = adequate
        localExponents = local
        localExponentStandardErrors = localSE
        trajectories = m
    }
}
