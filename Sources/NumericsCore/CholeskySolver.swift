import CNumerics

/// Solves G·X = B for a symmetric positive definite G by Cholesky factorisation (LAPACK `dposv`).
///
/// Complexity O(n³/3 + n²·r) for G n×n and r right-hand sides. Reference: Golub & Van Loan,
/// Matrix Computations, 4th ed., §4.2.
public enum CholeskySolver {
    /// X (n×r) with G·X = B; G n×n (only its lower triangle is read), B n×r.
    /// - Throws: ``NumericalLibraryError`` when G is not (numerically) positive definite.
    public static func solve(_ g: Matrix, _ b: Matrix) throws -> Matrix {
        precondition(g.rows == g.columns && b.rows == g.rows, "Cholesky solve: G \(g.rows)×\(g.columns), B \(b.rows)×\(b.columns)")
        let n = g.rows, r = b.columns
        guard n > 0, r > 0 else { return b }
        var a = g.elements, x = b.elements
        let info = LAPACKE_dposv(LAPACK_ROW_MAJOR, 76 /* L */, Int32(n), Int32(r), &a, Int32(n), &x, Int32(r))
        guard info == 0 else { throw NumericalLibraryError(routine: "LAPACKE_dposv", status: Int(info)) }
        return Matrix(rows: n, columns: r, elements: x)
    }
}
