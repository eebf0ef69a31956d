import CNumerics

/// A dense row-major Float64 matrix: element (i, j) at `elements[i * columns + j]`.
public struct Matrix: Sendable, Equatable, Codable {
    public let rows: Int
    public let columns: Int
    public var elements: [Double]

    public init(rows: Int, columns: Int, repeating value: Double = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix shape \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = Array(repeating: value, count: rows * columns)
    }

    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(elements.count == rows * columns, "\(elements.count) elements for a \(rows)×\(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m[i, i] = 1 }
        return m
    }

    @inlinable public subscript(i: Int, j: Int) -> Double {
        get { elements[i * columns + j] }
        set { elements[i * columns + j] = newValue }
    }

    /// Mᵀ, copied in 32×32 tiles (both matrices stream through the cache). O(rows·columns).
    public var transposed: Matrix {
        let m = rows, n = columns, tile = 32
        let t = elements.withUnsafeBufferPointer { source in
            [Double](unsafeUninitializedCapacity: m * n) { target, initialized in
                guard let a = source.baseAddress, let b = target.baseAddress else { initialized = 0; return }
                for i0 in stride(from: 0, to: m, by: tile) {
                    for j0 in stride(from: 0, to: n, by: tile) {
                        for i in i0..<min(m, i0 + tile) {
                            for j in j0..<min(n, j0 + tile) { (b + j * m + i).initialize(to: a[i * n + j]) }
                        }
                    }
                }
                initialized = m * n
            }
        }
        return Matrix(rows: n, columns: m, elements: t)
    }
}

/// Dense matrix products through CBLAS (OpenBLAS on Debian).
public enum BLAS {
    /// C ← α·op(A)·op(B) + β·C with row-major storage (cblas_dgemm). O(m·n·k).
    public static func gemm(_ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false,
                            alpha: Double = 1, beta: Double = 0, into c: inout Matrix) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let kb = transposeB ? b.columns : b.rows
        let n = transposeB ? b.rows : b.columns
        precondition(k == kb && c.rows == m && c.columns == n, "gemm shapes \(m)×\(k) · \(kb)×\(n) → \(c.rows)×\(c.columns)")
        guard m > 0, n > 0 else { return }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), alpha, pa.baseAddress, Int32(max(1, a.columns)),
                                pb.baseAddress, Int32(max(1, b.columns)), beta, pc.baseAddress, Int32(max(1, n)))
                }
            }
        }
    }

    /// C ← α·op(A)·op(B) + β·C on raw row-major storage (cblas_dgemm), for blocked kernels that
    /// work on sub-matrices without copying. op(A) is m×k, op(B) k×n, C m×n; ld* are row strides.
    public static func gemm(m: Int, n: Int, k: Int, alpha: Double = 1,
                            _ a: UnsafePointer<Double>, leadingDimension lda: Int, transposeA: Bool = false,
                            _ b: UnsafePointer<Double>, leadingDimension ldb: Int, transposeB: Bool = false,
                            beta: Double = 0, into c: UnsafeMutablePointer<Double>, leadingDimension ldc: Int) {
        guard m > 0, n > 0 else { return }
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// op(A)·op(B) as a new matrix.
    public static func product(_ a: Matrix, transposeA: Bool = false, _ b: Matrix, transposeB: Bool = false) -> Matrix {
        var c = Matrix(rows: transposeA ? a.columns : a.rows, columns: transposeB ? b.rows : b.columns)
        gemm(a, transposeA: transposeA, b, transposeB: transposeB, into: &c)
        return c
    }

    /// The shared object that provides `cblas_dgemm` in this process (resolved path).
    public static var dgemmProvider: String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard cnumerics_cblas_dgemm_provider(&buffer, buffer.count) == 0 else { return "unresolved" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A short description of the BLAS in use, e.g. "OpenBLAS 0.3.21 … (libblas.so.3)".
    public static var description: String {
        let config = String(cString: cnumerics_blas_config())
        let file = dgemmProvider.split(separator: "/").suffix(2).joined(separator: "/")
        return config == "unknown" ? file : "\(config) [\(file)]"
    }

    /// Sets OpenBLAS's thread count (call with 1 when parallelising in Swift). Returns
    /// false when the BLAS in use is not OpenBLAS.
    @discardableResult public static func setThreads(_ threads: Int) -> Bool {
        cnumerics_set_blas_threads(Int32(threads)) == 1
    }
}
