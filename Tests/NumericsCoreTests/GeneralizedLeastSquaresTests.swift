import Testing
import NumericsCore
import Foundation

/// Inverse of a small symmetric positive-definite matrix by Gauss–Jordan (test oracle).
private func inverse(_ a: Matrix) -> Matrix {
    let n = a.rows
    var m = a, inv = Matrix.identity(n)
    for col in 0..<n {
        let pivot = (col..<n).max { abs(m[$0, col]) < abs(m[$1, col]) }!
        for j in 0..<n {
            (m[col, j], m[pivot, j]) = (m[pivot, j], m[col, j])
            (inv[col, j], inv[pivot, j]) = (inv[pivot, j], inv[col, j])
        }
        let d = m[col, col]
        for j in 0..<n { m[col, j] /= d; inv[col, j] /= d }
        for i in 0..<n where i != col {
            let f = m[i, col]
            for j in 0..<n { m[i, j] -= f * m[col, j]; inv[i, j] -= f * inv[col, j] }
        }
    }
    return inv
}

private func lineDesign(_ x: [Double]) -> Matrix {
    var design = Matrix(rows: x.count, columns: 2)
    for i in x.indices { design[i, 0] = 1; design[i, 1] = x[i] }
    return design
}

/// A full, well-conditioned SPD matrix: B Bᵀ + I with fixed B.
private func fullCovariance(_ n: Int) -> Matrix {
    var b = Matrix(rows: n, columns: n)
    for i in 0..<n { for j in 0..<n { b[i, j] = 0.3 * Double((i * 7 + j * 3) % 5) - 0.4 + (i == j ? 1 : 0) } }
    var s = BLAS.product(b, b, transposeB: true)
    for i in 0..<n { s[i, i] += 0.5 }
    return s
}

@Suite("GeneralizedLeastSquares")
struct GeneralizedLeastSquaresTests {
    let x = [0.0, 1, 2, 3, 4, 5]
    let y = [1.1, 2.4, 3.2, 4.9, 5.1, 6.8]

    @Test("GLS with identity covariance equals ordinary least squares (covariance unscaled by residuals)")
    func identityIsOLS() throws {
        let gls = try GeneralizedLeastSquares(design: lineDesign(x), observations: y, covariance: .identity(x.count))
        let ols = try WeightedLinearFit(x: x, y: y, weights: Array(repeating: 1, count: x.count))
        #expect(abs(gls.coefficients[0] - ols.intercept) < 1e-12)
        #expect(abs(gls.coefficients[1] - ols.slope) < 1e-12)
        #expect(abs(gls.covariance[0, 0] - ols.cov00) < 1e-12)
        #expect(abs(gls.covariance[0, 1] - ols.cov01) < 1e-12)
        #expect(abs(gls.covariance[1, 1] - ols.cov11) < 1e-12)
        #expect(abs(gls.chiSquared - ols.chiSquared) < 1e-12)
        #expect(gls.ridge == 0)
        // χ²/(n − p) is far from 1 here, so a residual-scaled covariance would fail the checks above.
        #expect(abs(gls.chiSquared / Double(x.count - 2) - 1) > 0.5)
    }

    @Test("GLS with diagonal covariance equals WLS with inverse-variance weights")
    func diagonalIsWLS() throws {
        let variances = [0.5, 1, 2, 0.25, 4, 1.5]
        var sigma = Matrix(rows: x.count, columns: x.count)
        for i in x.indices { sigma[i, i] = variances[i] }
        let gls = try GeneralizedLeastSquares(design: lineDesign(x), observations: y, covariance: sigma)
        let wls = try WeightedLinearFit(x: x, y: y, weights: variances.map { 1 / $0 })
        #expect(abs(gls.coefficients[1] - wls.slope) < 1e-12)
        #expect(abs(gls.covariance[1, 1] - wls.cov11) < 1e-12)
        #expect(abs(gls.chiSquared - wls.chiSquared) < 1e-10)
    }

    @Test("GLS equals the closed form (XᵀΣ⁻¹X)⁻¹XᵀΣ⁻¹y with a full covariance")
    func closedForm() throws {
        let sigma = fullCovariance(x.count)
        let design = lineDesign(x)
        let gls = try GeneralizedLeastSquares(design: design, observations: y, covariance: sigma)
        let sInv = inverse(sigma)
        let xtSinv = BLAS.product(design, transposeA: true, sInv)
        let cov = inverse(BLAS.product(xtSinv, design))
        let rhs = BLAS.product(xtSinv, Matrix(rows: y.count, columns: 1, elements: y))
        let beta = BLAS.product(cov, rhs).elements
        for j in 0..<2 {
            #expect(abs(gls.coefficients[j] - beta[j]) < 1e-10)
            for l in 0..<2 { #expect(abs(gls.covariance[j, l] - cov[j, l]) < 1e-10) }
        }
        let r = (0..<y.count).map { y[$0] - beta[0] - beta[1] * x[$0] }
        let chi2 = BLAS.product(Matrix(rows: 1, columns: r.count, elements: r),
                                BLAS.product(sInv, Matrix(rows: r.count, columns: 1, elements: r))).elements[0]
        #expect(abs(gls.chiSquared - chi2) < 1e-10 * max(1, chi2))
        #expect(zip(gls.residuals, r).allSatisfy { abs($0 - $1) < 1e-10 })
        // The estimator matrix reproduces β̂, and the covariance does not depend on y.
        #expect(zip(gls.coefficients(for: y), beta).allSatisfy { abs($0 - $1) < 1e-10 })
        let other = try GeneralizedLeastSquares(design: design, observations: y.map { 3 * $0 * $0 }, covariance: sigma)
        #expect(zip(other.covariance.elements, gls.covariance.elements).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test("GLS recovers slope of exact power law")
    func exactPowerLaw() throws {
        let tau = [0.2, 0.1, 0.03, 0.01, 0.004, 0.001]
        let logE = tau.map { log(3.0) + 1.5 * log($0) }
        let gls = try GeneralizedLeastSquares(design: lineDesign(tau.map { log($0) }), observations: logE,
                                              covariance: fullCovariance(tau.count))
        #expect(abs(gls.coefficients[1] - 1.5) < 1e-10)
        #expect(abs(exp(gls.coefficients[0]) - 3) < 1e-9)
        #expect(gls.chiSquared < 1e-18)
    }

    @Test("GLS adds a ridge once when the covariance is singular")
    func ridgeForSingular() throws {
        // Rank one plus a zero direction: Cholesky fails at the second pivot without the ridge.
        let n = x.count
        let sigma = Matrix(rows: n, columns: n, repeating: 1)
        let gls = try GeneralizedLeastSquares(design: lineDesign(x), observations: y, covariance: sigma)
        #expect(gls.ridge > 0 && gls.ridge <= 1e-12 * 1.000001)
        #expect(gls.coefficients.allSatisfy { $0.isFinite })
    }

    @Test("GLS throws when the covariance is negative definite")
    func throwsForIndefinite() {
        var sigma = Matrix.identity(x.count)
        for i in x.indices { sigma[i, i] = -1 }
        #expect(throws: NumericalLibraryError.self) {
            try GeneralizedLeastSquares(design: lineDesign(x), observations: y, covariance: sigma)
        }
    }
}
