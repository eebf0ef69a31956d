import CNumerics

/// Thin singular value decomposition A = U·diag(σ)·Vᵀ (LAPACK `dgesdd`, divide and conquer):
/// A m×n, k = min(m, n), U m×k, Vᵀ k×n, σ₁ ≥ … ≥ σ_k ≥ 0.
///
/// Complexity O(m·n·k) time (≈ 4mnk + 22k³ flops with vectors), O((m + n)·k) memory.
/// Reference: Golub & Van Loan, Matrix Computations, 4th ed., §8.6; LAPACK Users' Guide §2.4.6.
public struct SingularValueDecomposition: Sendable {
    public let values: [Double]
    /// U (m×k) and Vᵀ (k×n), or nil when only the singular values were computed.
    public let left: Matrix?
    public let rightTransposed: Matrix?

    /// - Throws: ``NumericalLibraryError`` when `dgesdd` does not converge or A is not finite.
    public init(_ a: Matrix, computeVectors: Bool = true) throws {
        let m = a.rows, n = a.columns, k = min(m, n)
        guard k > 0 else {
            values = []
            left = computeVectors ? Matrix(rows: m, columns: 0) : nil
            rightTransposed = computeVectors ? Matrix(rows: 0, columns: n) : nil
            return
        }
        guard a.elements.allSatisfy(\.isFinite) else { throw NumericalLibraryError(routine: "dgesdd (non-finite input)", status: -1) }
        var work = a.elements
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: computeVectors ? m * k : 1)
        var vt = [Double](repeating: 0, count: computeVectors ? k * n : 1)
        let info = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, computeVectors ? 83 /* S */ : 78 /* N */, Int32(m), Int32(n),
                                  &work, Int32(n), &s, &u, Int32(k), &vt, Int32(n))
        guard info == 0 else { throw NumericalLibraryError(routine: "LAPACKE_dgesdd", status: Int(info)) }
        values = s
        left = computeVectors ? Matrix(rows: m, columns: k, elements: u) : nil
        rightTransposed = computeVectors ? Matrix(rows: k, columns: n, elements: vt) : nil
    }

    /// ‖A‖₂ = σ₁ (singular values only, O(mnk)).
    public static func spectralNorm(_ a: Matrix) throws -> Double {
        try SingularValueDecomposition(a, computeVectors: false).values.first ?? 0
    }

    /// Moore–Penrose pseudo-inverse A⁺ = V·diag(1/σᵢ)·Uᵀ over σᵢ > rcond·σ₁ (n×m).
    /// The default cut rcond = max(m, n)·ε is NumPy's `pinv`/`matrix_rank` convention.
    public static func pseudoInverse(_ a: Matrix, relativeCutoff rcond: Double? = nil) throws -> Matrix {
        let svd = try SingularValueDecomposition(a)
        let m = a.rows, n = a.columns, k = min(m, n)
        var result = Matrix(rows: n, columns: m)
        guard k > 0, let u = svd.left, let vt = svd.rightTransposed, svd.values[0] > 0 else { return result }
        let cutoff = (rcond ?? Double(max(m, n)) * Double.ulpOfOne) * svd.values[0]
        // (Vᵀ)ᵀ·diag(1/σ)·Uᵀ: scale the rows of Vᵀ, then one GEMM.
        var scaled = vt
        for r in 0..<k {
            let inverse = svd.values[r] > cutoff ? 1 / svd.values[r] : 0
            for c in 0..<n { scaled[r, c] *= inverse }
        }
        BLAS.gemm(scaled, transposeA: true, u, transposeB: true, into: &result)
        return result
    }

    /// Number of singular values above rcond·σ₁ (default max(m, n)·ε·σ₁).
    public static func numericalRank(_ a: Matrix, relativeCutoff rcond: Double? = nil) throws -> Int {
        let s = try SingularValueDecomposition(a, computeVectors: false).values
        guard let top = s.first, top > 0 else { return 0 }
        let cutoff = (rcond ?? Double(max(a.rows, a.columns)) * Double.ulpOfOne) * top
        return s.filter { $0 > cutoff }.count
    }
}
