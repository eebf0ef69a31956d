import CNumerics

/// Generalised least squares for y = Xβ + ε with Cov ε = Σ (full, symmetric positive definite).
///
///     β̂ = (XᵀΣ⁻¹X)⁻¹ XᵀΣ⁻¹ y,   Cov β̂ = (XᵀΣ⁻¹X)⁻¹,   χ² = rᵀΣ⁻¹r with r = y − Xβ̂.
///
/// Implementation: Cholesky whitening. Σ = LLᵀ (`gsl_linalg_cholesky_decomp1`), then
/// X̃ = L⁻¹X and ỹ = L⁻¹y by triangular solves (`cblas_dtrsm`), then ordinary least squares
/// on (X̃, ỹ) by GSL's SVD solver with its workspace. Since X̃ᵀX̃ = XᵀΣ⁻¹X, the OLS
/// covariance of the whitened problem is the GLS covariance.
///
/// Note on GSL's covariance output (verified on GSL 2.7 against the closed form): the
/// unweighted `gsl_multifit_linear` returns `cov` = s²(X̃ᵀX̃)⁻¹ with s² = χ²/(n − p), i.e.
/// scaled by the residual variance, which is 1 only in expectation after whitening, not by
/// construction. `gsl_multifit_wlinear` returns the unscaled (XᵀWX)⁻¹. This type therefore
/// calls `gsl_multifit_wlinear` with unit weights on the whitened data (same workspace, same
/// SVD), so `covariance` is exactly (XᵀΣ⁻¹X)⁻¹ whatever the residuals.
///
/// If Σ is not numerically positive definite (common when it is a sample covariance from
/// few trajectories), a ridge λ = `ridgeFactor`·tr Σ / n is added to its diagonal once and
/// the factorisation retried; `ridge` reports λ (0 when none was needed).
///
/// Complexity O(n³ + n²p + np²). Reference: Kariya & Kurata, *Generalized Least Squares*
/// (Wiley 2004), ch. 2; GSL manual, "Linear Least-Squares Fitting".
public struct GeneralizedLeastSquares: Sendable {
    /// β̂ (p entries).
    public let coefficients: [Double]
    /// (XᵀΣ⁻¹X)⁻¹, p×p, not scaled by the residual variance.
    public let covariance: Matrix
    /// rᵀΣ⁻¹r (with the ridge, if one was added).
    public let chiSquared: Double
    /// r = y − Xβ̂, unwhitened, in input order.
    public let residuals: [Double]
    /// Ridge added to Σ's diagonal (0 when Σ was positive definite).
    public let ridge: Double
    /// The linear estimator A = (XᵀΣ⁻¹X)⁻¹XᵀΣ⁻¹ (p×n), so that β̂ = A·y for any y with the
    /// same X and Σ (used to refit bootstrap replicates in O(np)).
    public let estimator: Matrix

    /// Fits y = Xβ with Cov y = Σ.
    ///
    /// - Parameters:
    ///   - design: X, n×p, n ≥ p.
    ///   - observations: y, n entries.
    ///   - covariance: Σ, n×n symmetric (only the lower triangle is read).
    ///   - ridgeFactor: relative ridge tried once if Σ is not positive definite (default 1e-12).
    /// - Throws: ``FitInputError`` for non-finite input or n < p; ``NumericalLibraryError`` when Σ
    ///   is not positive definite even with the ridge, or when GSL's solver fails.
    public init(design: Matrix, observations: [Double], covariance: Matrix, ridgeFactor: Double = 1e-12) throws {
        let n = design.rows, p = design.columns
        precondition(observations.count == n && covariance.rows == n && covariance.columns == n && p >= 1,
                     "GLS shapes: X \(n)×\(p), y \(observations.count), Σ \(covariance.rows)×\(covariance.columns)")
        guard n >= p else { throw FitInputError("GLS needs at least as many observations (\(n)) as parameters (\(p))") }
        guard design.elements.allSatisfy(\.isFinite), observations.allSatisfy(\.isFinite) else {
            throw FitInputError("GLS: design matrix and observations must be finite")
        }
        let whitening = try Whitening(covariance: covariance, ridgeFactor: ridgeFactor)
        let whiteX = whitening.whiten(design)
        let whiteY = whitening.whiten(observations)

        GSLRuntime.prepare()
        guard let workspace = gsl_multifit_linear_alloc(n, p) else {
            throw NumericalLibraryError(routine: "gsl_multifit_linear_alloc", status: Int(GSL_ENOMEM))
        }
        defer { gsl_multifit_linear_free(workspace) }
        let gx = gsl_matrix_alloc(n, p)!, gy = gsl_vector_alloc(n)!, gw = gsl_vector_alloc(n)!
        let gc = gsl_vector_alloc(p)!, gcov = gsl_matrix_alloc(p, p)!
        defer { gsl_matrix_free(gx); gsl_vector_free(gy); gsl_vector_free(gw); gsl_vector_free(gc); gsl_matrix_free(gcov) }
        for i in 0..<n {
            for j in 0..<p { gsl_matrix_set(gx, i, j, whiteX[i, j]) }
            gsl_vector_set(gy, i, whiteY[i])
        }
        gsl_vector_set_all(gw, 1)
        var chisq = 0.0
        // Unit weights: cov = (X̃ᵀX̃)⁻¹ unscaled (see the type's documentation).
        let status = gsl_multifit_wlinear(gx, gw, gy, gc, gcov, &chisq, workspace)
        guard status == GSL_SUCCESS else { throw NumericalLibraryError(routine: "gsl_multifit_wlinear", status: Int(status)) }

        var beta = [Double](repeating: 0, count: p)
        var cov = Matrix(rows: p, columns: p)
        for j in 0..<p {
            beta[j] = gsl_vector_get(gc, j)
            for l in 0..<p { cov[j, l] = gsl_matrix_get(gcov, j, l) }
        }
        guard beta.allSatisfy(\.isFinite), cov.elements.allSatisfy(\.isFinite), chisq.isFinite else {
            throw NumericalLibraryError(routine: "gsl_multifit_wlinear (non-finite result)", status: Int(GSL_ESING))
        }
        var residuals = observations
        for i in 0..<n { for j in 0..<p { residuals[i] -= design[i, j] * beta[j] } }

        // Aᵀ = L⁻ᵀ X̃ Cov, so A = Cov X̃ᵀ L⁻¹ = (XᵀΣ⁻¹X)⁻¹ XᵀΣ⁻¹.
        let estimatorTransposed = whitening.solveTransposed(BLAS.product(whiteX, cov))

        self.coefficients = beta
        self.covariance = cov
        self.chiSquared = chisq
        self.residuals = residuals
        self.ridge = whitening.ridge
        self.estimator = estimatorTransposed.transposed
    }

    /// √diag Cov β̂.
    public var standardErrors: [Double] { (0..<covariance.rows).map { covariance[$0, $0].squareRoot() } }

    /// A·y: the GLS coefficients for other observations with the same X and Σ. O(np).
    public func coefficients(for observations: [Double]) -> [Double] {
        precondition(observations.count == estimator.columns, "GLS refit: \(observations.count) observations for n = \(estimator.columns)")
        return (0..<estimator.rows).map { j in
            var s = 0.0
            for i in 0..<estimator.columns { s += estimator[j, i] * observations[i] }
            return s
        }
    }

    /// The Cholesky factor of a covariance, Σ (+ λI) = LLᵀ, and solves with it: whitening
    /// v ↦ L⁻¹v makes Cov(L⁻¹ε) = I. Factorisation O(n³), each solve O(n²) per column.
    public struct Whitening: Sendable {
        public let dimension: Int
        /// L, lower triangular (upper triangle zero), row-major.
        public let lowerFactor: Matrix
        /// Ridge λ added to the diagonal (0 when Σ was positive definite).
        public let ridge: Double

        /// Factorises Σ (lower triangle read), retrying once with λ = `ridgeFactor`·tr Σ / n.
        /// - Throws: ``FitInputError`` for non-finite Σ; ``NumericalLibraryError`` from
        ///   `gsl_linalg_cholesky_decomp1` when Σ (+ λI) is not positive definite.
        public init(covariance: Matrix, ridgeFactor: Double = 1e-12) throws {
            let n = covariance.rows
            precondition(covariance.columns == n && n >= 1, "covariance must be square, got \(n)×\(covariance.columns)")
            guard covariance.elements.allSatisfy(\.isFinite) else { throw FitInputError("covariance matrix has non-finite entries") }
            GSLRuntime.prepare()
            var trace = 0.0
            for i in 0..<n { trace += covariance[i, i] }
            let retryRidge = ridgeFactor * trace / Double(n)
            var lastStatus = Int(GSL_SUCCESS)
            for ridge in [0.0, retryRidge] {
                if ridge != 0 && !(ridge > 0 && ridge.isFinite) { break }
                var a = covariance.elements
                for i in 0..<n { a[i * n + i] += ridge }
                lastStatus = a.withUnsafeMutableBufferPointer { buffer -> Int in
                    var view = gsl_matrix_view_array(buffer.baseAddress, n, n)
                    return Int(gsl_linalg_cholesky_decomp1(&view.matrix))
                }
                if lastStatus == GSL_SUCCESS {
                    for i in 0..<n { for j in (i + 1)..<n { a[i * n + j] = 0 } }
                    if a.allSatisfy(\.isFinite) {
                        self.dimension = n
                        self.lowerFactor = Matrix(rows: n, columns: n, elements: a)
                        self.ridge = ridge
                        return
                    }
                    lastStatus = Int(GSL_EDOM)
                }
                if ridge != 0 { break }
            }
            throw NumericalLibraryError(routine: "gsl_linalg_cholesky_decomp1 (covariance not positive definite, ridge \(retryRidge))",
                                        status: lastStatus)
        }

        /// L⁻¹v (forward substitution, `cblas_dtrsv`).
        public func whiten(_ v: [Double]) -> [Double] {
            precondition(v.count == dimension, "whiten: \(v.count) entries for dimension \(dimension)")
            var x = v
            lowerFactor.elements.withUnsafeBufferPointer { l in
                x.withUnsafeMutableBufferPointer { xb in
                    cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(dimension),
                                l.baseAddress, Int32(dimension), xb.baseAddress, 1)
                }
            }
            return x
        }

        /// L⁻¹M for an n×k matrix (`cblas_dtrsm`).
        public func whiten(_ m: Matrix) -> Matrix { solve(m, transpose: false) }

        /// L⁻ᵀM for an n×k matrix (`cblas_dtrsm`).
        public func solveTransposed(_ m: Matrix) -> Matrix { solve(m, transpose: true) }

        private func solve(_ m: Matrix, transpose: Bool) -> Matrix {
            precondition(m.rows == dimension, "triangular solve: \(m.rows) rows for dimension \(dimension)")
            var b = m
            guard m.columns > 0 else { return b }
            lowerFactor.elements.withUnsafeBufferPointer { l in
                b.elements.withUnsafeMutableBufferPointer { bb in
                    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, transpose ? CblasTrans : CblasNoTrans, CblasNonUnit,
                                Int32(dimension), Int32(m.columns), 1, l.baseAddress, Int32(dimension),
                                bb.baseAddress, Int32(m.columns))
                }
            }
            return b
        }
    }
}
