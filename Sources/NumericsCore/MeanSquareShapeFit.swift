import Foundation

/// A mean-square error model that is linear in its coefficients, fitted jointly over levels that
/// share trajectories:
///
///     E S_ℓ = Σⱼ βⱼ·xⱼ(ℓ),   ℓ = 1…L,
///
/// e.g. the Random Batch Method's strong-error theorem (Jin, Li & Liu, J. Comput. Phys. 400
/// (2020), arXiv:1812.10575): E|X̃ − X|² ≤ C(τ·g(p) + τ²), fitted as S(p, τ) = A·g(p)·τ + B·(τ − h)²
/// over every batch size p and step τ at once, with the reference's step h.
///
/// **Estimator.** Weighted least squares with relative weights 1/Ŝ_ℓ² from the fitted values
/// (two reweighting passes starting from the level means, so no level's weight depends on its
/// own noise), and the sandwich covariance (XᵀWX)⁻¹XᵀWΣ̂WX(XᵀWX)⁻¹ with Σ̂ the sample covariance
/// of the level means over trajectories: fixed weights keep the estimate stable when Σ̂ is
/// nearly singular (deterministic parts of the error), and the sandwich stays valid when the
/// weights are not the inverse covariance. 95% intervals with Student's t on M − 1 degrees of
/// freedom.
///
/// **Lack of fit.** The GLS χ² of the residuals under Σ̂, turned into Hotelling's F on
/// (L − P, M − L + P) degrees of freedom, which accounts for Σ̂ being estimated from M trajectories.
///
/// Cost O(M·L² + L³).
public struct MeanSquareShapeFit: Sendable {
    public let coefficients: [Estimate]
    /// S̄_ℓ, the level means over trajectories.
    public let levelMeans: [Double]
    public let ci95: [[Double]]
    /// Hotelling-F p-value of the lack of fit (nil when M ≤ L or L = P).
    public let lackOfFitP: Double?
    /// Fitted E S_ℓ per level.
    public let fitted: [Double]
    /// (S̄_ℓ − Ŝ_ℓ)/Ŝ_ℓ per level.
    public let relativeResiduals: [Double]
    public let trajectories: Int
    /// H = (XᵀWX)⁻¹XᵀW (P×L): β̂ = H·S̄, so coefficient j of one trajectory's contribution is
    /// Σ_ℓ H[j, ℓ]·S_ℓ and β̂ is their mean (for joint covariances of several fits).
    public let influence: Matrix

    /// - Parameters:
    ///   - design: L×P, row ℓ the regressors xⱼ(ℓ).
    ///   - samples: per trajectory, the L squared errors (M ≥ 2 finite trajectories).
    public init(design: Matrix, samples: [[Double]]) throws {
        let l = design.rows, p = design.columns, m = samples.count
        guard l >= p, p >= 1, m >= 2, samples.allSatisfy({ $0.count == l && $0.allSatisfy(\.isFinite) }) else {
            throw FitInputError("mean-square shape fit needs at least as many levels as coefficients and M ≥ 2 finite trajectories (L = \(l), P = \(p), M = \(m))")
        }
        var means = [Double](repeating: 0, count: l)
        for row in samples { for k in 0..<l { means[k] += row[k] / Double(m) } }
        guard means.allSatisfy({ $0 > 0 }) else { throw FitInputError("mean-square shape fit needs positive mean squares at every level") }
        levelMeans = means
        var sigma = Matrix(rows: l, columns: l)
        for row in samples {
            for a in 0..<l { for b in 0...a { sigma[a, b] += (row[a] - means[a]) * (row[b] - means[b]) } }
        }
        for a in 0..<l { for b in 0...a {
            sigma[a, b] /= Double(m - 1) * Double(m)
            sigma[b, a] = sigma[a, b]
        } }

        var scale = means
        var beta = [Double](repeating: 0, count: p)
        var bread = Matrix(rows: p, columns: p)
        for _ in 0..<3 {
            var normal = Matrix(rows: p, columns: p), rhs = Matrix(rows: p, columns: 1)
            for k in 0..<l {
                let w = 1 / (scale[k] * scale[k])
                for a in 0..<p {
                    rhs[a, 0] += w * design[k, a] * means[k]
                    for b in 0..<p { normal[a, b] += w * design[k, a] * design[k, b] }
                }
            }
            bread = try CholeskySolver.solve(normal, Matrix.identity(p))
            beta = (0..<p).map { a in (0..<p).reduce(0) { $0 + bread[a, $1] * rhs[$1, 0] } }
            let next = (0..<l).map { k in (0..<p).reduce(0) { $0 + design[k, $1] * beta[$1] } }
            guard next.allSatisfy({ $0 > 0 }) else { break }
            scale = next
        }
        // Sandwich: H = (XᵀWX)⁻¹XᵀW (P×L), Cov β̂ = H Σ̂ Hᵀ.
        var h = Matrix(rows: p, columns: l)
        for a in 0..<p { for k in 0..<l {
            h[a, k] = (0..<p).reduce(0) { $0 + bread[a, $1] * design[k, $1] } / (scale[k] * scale[k])
        } }
        influence = h
        var covariance = Matrix(rows: p, columns: p)
        for a in 0..<p { for b in 0..<p {
            var v = 0.0
            for i in 0..<l { for j in 0..<l { v += h[a, i] * sigma[i, j] * h[b, j] } }
            covariance[a, b] = v
        } }
        let t = Distributions.studentT95(degreesOfFreedom: Double(m - 1))
        coefficients = (0..<p).map { Estimate(value: beta[$0], standardError: max(0, covariance[$0, $0]).squareRoot(), count: m) }
        ci95 = coefficients.map { [$0.value - t * $0.standardError, $0.value + t * $0.standardError] }
        let fit = (0..<l).map { k in (0..<p).reduce(0) { $0 + design[k, $1] * beta[$1] } }
        fitted = fit
        relativeResiduals = (0..<l).map { (means[$0] - fit[$0]) / fit[$0] }
        trajectories = m

        var lackOfFit: Double?
        if m > l {
            let residuals = (0..<l).map { means[$0] - fit[$0] }
            if let gls = try? GeneralizedLeastSquares(design: design, observations: residuals, covariance: sigma) {
                lackOfFit = OrderFit.lackOfFitPValue(chiSquared: gls.chiSquared, residualDimensions: l - p, trajectories: m)
            }
        }
        lackOfFitP = lackOfFit
    }
}
