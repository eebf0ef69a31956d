import NumericsCore

/// The query, key and value maps Q, K, V ∈ ℝ^{d×d} of one attention layer (qᵢ = Q xᵢ, …).
public struct AttentionMaps: Sendable, Equatable {
    public var query: Matrix
    public var key: Matrix
    public var value: Matrix

    public init(query: Matrix, key: Matrix, value: Matrix) {
        self.query = query
        self.key = key
        self.value = value
    }

    /// Q = K = V = I (the setting of the clustering theorems).
    public static func identity(_ d: Int) -> AttentionMaps {
        AttentionMaps(query: .identity(d), key: .identity(d), value: .identity(d))
    }

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
}
