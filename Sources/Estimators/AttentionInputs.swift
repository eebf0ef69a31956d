import NumericsCore

/// How attention weights are normalised.
public enum AttentionNormalization: String, Codable, Sendable, CaseIterable {
    /// SA: oᵢ = Σⱼ softmaxⱼ(β⟨qᵢ,kⱼ⟩) vⱼ, a ratio of sums.
    case softmax
    /// USA: oᵢ = (1/N) Σⱼ e^{β⟨qᵢ,kⱼ⟩} vⱼ, a plain mean-field sum (an RBM-type interaction).
    case meanField = "mean-field"
}

/// The projected tokens of one attention evaluation: queries qᵢ = Q xᵢ, keys kⱼ = K xⱼ and
/// values vⱼ = V xⱼ as row-major N×d_k, N×d_k and N×d_v matrices, with the inverse temperature
/// β and the normalisation. The estimand of every ``AttentionEstimator`` is a function of these.
public struct AttentionInputs: Sendable {
    public var queries: Matrix
    public var keys: Matrix
    public var values: Matrix
    public var beta: Double
    public var normalization: AttentionNormalization

    public init(queries: Matrix, keys: Matrix, values: Matrix, beta: Double, normalization: AttentionNormalization) {
        precondition(queries.rows == keys.rows && keys.rows == values.rows && queries.columns == keys.columns,
                     "attention shapes: Q \(queries.rows)×\(queries.columns), K \(keys.rows)×\(keys.columns), V \(values.rows)×\(values.columns)")
        precondition(queries.rows >= 1 && beta.isFinite, "attention needs N ≥ 1 tokens and a finite β (got \(beta))")
        self.queries = queries
        self.keys = keys
        self.values = values
        self.beta = beta
        self.normalization = normalization
    }

    /// Inputs from tokens X (N×d) and the maps Q, K (d_k×d) and V (d_v×d): rows Q xᵢ etc.
    /// Three GEMMs, O(N·d·(2d_k + d_v)).
    public init(tokens x: Matrix, query q: Matrix, key k: Matrix, value v: Matrix, beta: Double,
                normalization: AttentionNormalization) {
        self.init(queries: BLAS.product(x, q, transposeB: true), keys: BLAS.product(x, k, transposeB: true),
                  values: BLAS.product(x, v, transposeB: true), beta: beta, normalization: normalization)
    }

    public var tokens: Int { queries.rows }
    public var keyDimension: Int { queries.columns }
    public var valueDimension: Int { values.columns }
}
