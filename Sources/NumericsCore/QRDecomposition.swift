import CNumerics

/// The orthonormal factor of a QR decomposition A = Q·R (LAPACK `dgeqrf` + `dorgqr`,
/// Householder reflections): for A m×n with m ≥ n, Q is m×n with QᵀQ = I.
///
/// Column signs are fixed so that R has a nonnegative diagonal; then Q is unique, and for a
/// Gaussian A it is Haar-distributed (Mezzadri, Notices AMS 54 (2007) 592, arXiv math-ph/0609050).
///
/// Complexity O(m·n²) time (≈ 4mn² − 4n³/3 flops for both calls).
/// Reference: Golub & Van Loan, Matrix Computations, 4th ed., §5.2.
public enum QRDecomposition {
    /// Q (m×n, orthonormal columns) of A (m×n, m ≥ n).
    /// - Throws: ``NumericalLibraryError`` on a LAPACK failure or non-finite input.
    public static func orthonormalFactor(_ a: Matrix) throws -> Matrix {
        let m = a.rows, n = a.columns
        precondition(m >= n, "QR orthonormal factor needs m ≥ n, got \(m)×\(n)")
        guard n > 0 else { return Matrix(rows: m, columns: 0) }
        guard a.elements.allSatisfy(\.isFinite) else { throw NumericalLibraryError(routine: "dgeqrf (non-finite input)", status: -1) }
        var work = a.elements
        var tau = [Double](repeating: 0, count: n)
        var info = LAPACKE_dgeqrf(LAPACK_ROW_MAJOR, Int32(m), Int32(n), &work, Int32(n), &tau)
        guard info == 0 else { throw NumericalLibraryError(routine: "LAPACKE_dgeqrf", status: Int(info)) }
        let signs = (0..<n).map { work[$0 * n + $0] < 0 ? -1.0 : 1.0 }
        info = LAPACKE_dorgqr(LAPACK_ROW_MAJOR, Int32(m), Int32(n), Int32(n), &work, Int32(n), &tau)
        guard info == 0 else { throw NumericalLibraryError(routine: "LAPACKE_dorgqr", status: Int(info)) }
        for r in 0..<m { for c in 0..<n { work[r * n + c] *= signs[c] } }
        return Matrix(rows: m, columns: n, elements: work)
    }
}
