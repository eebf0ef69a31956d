import Estimators
import NumericsCore

/// The query, key and value maps Q, K, V ∈ ℝ^{d×d} of one attention layer (qᵢ = Q xᵢ, …).
/// The identity maps are stored as such (no d×d matrices, no products), which matters at large d.
public struct AttentionMaps: Sendable, Equatable {
    public struct Matrices: Sendable, Equatable {
        public var query: Matrix
        public var key: Matrix
        public var value: Matrix
    }

    public let dimension: Int
    /// nil for Q = K = V = I.
    public let matrices: Matrices?

    public init(query: Matrix, key: Matrix, value: Matrix) {
        let d = query.columns
        precondition([query, key, value].allSatisfy { $0.rows == d && $0.columns == d }, "Q, K, V must be square of one size")
        dimension = d
        matrices = Matrices(query: query, key: key, value: value)
    }

    private init(identity d: Int) {
        dimension = d
        matrices = nil
    }

    /// Q = K = V = I (the setting of the clustering theorems).
    public static func identity(_ d: Int) -> AttentionMaps { AttentionMaps(identity: d) }

    public var isIdentity: Bool { matrices == nil }

    /// Independent entries N(0, 1/d) (random projections), drawn from `stream` in the order Q, K, V.
    public static func random(_ d: Int, stream: RandomStream) -> AttentionMaps {
        func draw() -> Matrix {
            var m = Matrix(rows: d, columns: d)
            stream.fillGaussian(&m.elements, scale: 1 / Double(d).squareRoot())
            return m
        }
        let q = draw(), k = draw(), v = draw()
        return AttentionMaps(query: q, key: k, value: v)
    }

    /// Reads Q, K, V from one CSV file of 3d rows and d columns: the rows of Q, then of K, then
    /// of V. Throws ``TokenFile/Error`` on a malformed file or a dimension other than `d`.
    public static func load(_ path: String, dimension d: Int) throws -> AttentionMaps {
        let m = try TokenFile.load(path)
        guard m.columns == d, m.rows == 3 * d else {
            throw TokenFile.Error(path: path, message: "is \(m.rows)×\(m.columns); Q, K, V stacked for d = \(d) must be \(3 * d)×\(d)")
        }
        func block(_ b: Int) -> Matrix { Matrix(rows: d, columns: d, elements: Array(m.elements[(b * d * d)..<((b + 1) * d * d)])) }
        return AttentionMaps(query: block(0), key: block(1), value: block(2))
    }

    /// The attention inputs of tokens X (N×d): rows Q xᵢ, K xⱼ, V xⱼ (three GEMMs, O(N·d²);
    /// none for the identity maps).
    public func inputs(tokens x: Matrix, beta: Double, normalization: AttentionNormalization) -> AttentionInputs {
        precondition(x.columns == dimension, "tokens of dimension \(x.columns) for maps on ℝ^\(dimension)")
        guard let m = matrices else {
            return AttentionInputs(queries: x, keys: x, values: x, beta: beta, normalization: normalization)
        }
        return AttentionInputs(tokens: x, query: m.query, key: m.key, value: m.value, beta: beta, normalization: normalization)
    }

    /// Overwrites the queries, keys and values of `inputs` (already N×d each) with those of tokens
    /// X, the values ``inputs(tokens:beta:normalization:)`` computes (the same GEMMs; copies of X
    /// for the identity maps), without allocating.
    public func update(_ inputs: inout AttentionInputs, tokens x: Matrix) {
        precondition(x.columns == dimension && inputs.tokens == x.rows && inputs.keyDimension == dimension
                     && inputs.valueDimension == dimension, "attention inputs of shape \(inputs.tokens)×\(inputs.keyDimension) for tokens \(x.rows)×\(x.columns)")
        guard let m = matrices else {
            func copy(into target: inout Matrix) {
                target.elements.withUnsafeMutableBufferPointer { t in
                    x.elements.withUnsafeBufferPointer { t.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
                }
            }
            copy(into: &inputs.queries)
            copy(into: &inputs.keys)
            copy(into: &inputs.values)
            return
        }
        BLAS.gemm(x, m.query, transposeB: true, into: &inputs.queries)
        BLAS.gemm(x, m.key, transposeB: true, into: &inputs.keys)
        BLAS.gemm(x, m.value, transposeB: true, into: &inputs.values)
    }
}
