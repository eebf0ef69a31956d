import NumericsCore
import Testing

@Suite("BLAS provider")
struct BLASProviderTests {
    @Test("cblas_dgemm resolves to the system BLAS (OpenBLAS), not GSL's reference CBLAS")
    func dgemmResolvesToOpenBLAS() {
        let provider = BLAS.dgemmProvider.lowercased()
        #expect(provider.contains("openblas"), "cblas_dgemm comes from \(provider)")
        #expect(!provider.contains("gslcblas"), "cblas_dgemm comes from \(provider)")
    }

    @Test("dgemm computes a small product exactly")
    func dgemmSmallProduct() {
        // Integer entries: every product and sum is exact in binary64.
        let a = Matrix(rows: 2, columns: 3, elements: [1, 2, 3,
                                                       4, 5, 6])
        let b = Matrix(rows: 3, columns: 2, elements: [7, 8,
                                                       9, 10,
                                                       11, 12])
        #expect(BLAS.product(a, b) == Matrix(rows: 2, columns: 2, elements: [58, 64, 139, 154]))
        #expect(BLAS.product(a, transposeA: true, a) == Matrix(rows: 3, columns: 3, elements: [17, 22, 27,
                                                                                                22, 29, 36,
                                                                                                27, 36, 45]))
        #expect(BLAS.product(b, transposeA: true, a, transposeB: true)
                == BLAS.product(a, b).transposed)
        var c = Matrix(rows: 2, columns: 2, repeating: 1)
        BLAS.gemm(a, b, alpha: 2, beta: -1, into: &c)
        #expect(c == Matrix(rows: 2, columns: 2, elements: [115, 127, 277, 307]))
    }
}
