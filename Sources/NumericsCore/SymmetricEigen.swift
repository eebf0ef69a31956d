import CNumerics

/// Eigendecomposition A = U·diag(λ)·Uᵀ of a real symmetric matrix (LAPACK `dsyevd`,
/// divide and conquer). Eigenvalues ascending; eigenvectors are the columns of `vectors`.
///
/// Only the lower triangle of A is read. Complexity O(n³) time, O(n²) memory.
/// Reference: Anderson et al., LAPACK Users' Guide, 3rd ed. (1999), §2.4.4.
public struct SymmetricEigen: Sendable {
    /// λ₁ ≤ … ≤ λₙ.
    public let values: [Double]
    /// U (n×n, row-major), column k the unit eigenvector of λₖ; nil when only values were asked for.
    public let vectors: Matrix?

    /// - Throws: ``NumericalLibraryError`` when `dsyevd` fails to converge or A is not finite.
    public init(_ a: Matrix, computeVectors: Bool = true) throws {
        precondition(a.rows == a.columns, "SymmetricEigen needs a square matrix, got \(a.rows)×\(a.columns)")
        let n = a.rows
        guard n > 0 else { values = []; vectors = computeVectors ? Matrix(rows: 0, columns: 0) : nil; return }
        guard a.elements.allSatisfy(\.isFinite) else { throw NumericalLibraryError(routine: "dsyevd (non-finite input)", status: -1) }
        var work = a.elements
        var w = [Double](repeating: 0, count: n)
        let info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, computeVectors ? 86 /* V */ : 78 /* N */, 76 /* L */,
                                  Int32(n), &work, Int32(n), &w)
        guard info == 0 else { throw NumericalLibraryError(routine: "LAPACKE_dsyevd", status: Int(info)) }
        values = w
        vectors = computeVectors ? Matrix(rows: n, columns: n, elements: work) : nil
    }

    /// Smallest eigenvalue of a symmetric matrix (values only).
    public static func smallestEigenvalue(_ a: Matrix) throws -> Double {
        try SymmetricEigen(a, computeVectors: false).values.first ?? .nan
    }
}
