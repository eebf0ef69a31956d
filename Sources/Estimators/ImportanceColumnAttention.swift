import NumericsCore

/// Importance column sampling of attention O = B·V with the DKM-optimal probabilities
/// pⱼ ∝ ‖B⁽ʲ⁾‖·‖Vⱼ‖ (``ColumnSamplingPlan``). **Unbiased**, with
/// E‖Ôᵢ − Oᵢ‖² = (1/c)(Σⱼ B_{ij}²‖Vⱼ‖²/pⱼ − ‖Oᵢ‖²); summed over i the first term becomes
/// (Σⱼ ‖B⁽ʲ⁾‖‖Vⱼ‖)², which by Cauchy–Schwarz is at most the uniform value N·Σⱼ‖B⁽ʲ⁾‖²‖Vⱼ‖², with
/// equality only when all ‖B⁽ʲ⁾‖‖Vⱼ‖ are equal: importance wins when column norms are uneven.
///
/// An oracle like ``UniformColumnAttention`` (B and the probabilities need all N² scores,
/// prepared once per configuration); cost counted as c sampled columns per token. Columns with
/// pⱼ = 0 contribute nothing to O and are never drawn.
public struct ImportanceColumnAttention: ColumnSamplingAttention {
    public let samples: Int

    public init(samples: Int) {
        precondition(samples >= 1, "column samples c = \(samples) < 1")
        self.samples = samples
    }

    public var name: String { "importance-columns" }

    public func prepare(_ inputs: AttentionInputs) -> ColumnSamplingPlan {
        let weights = AttentionWeightMatrix(inputs)
        var p = zip(weights.columnNorms, weights.valueNorms).map { $0 * $1 }
        if !(p.reduce(0, +) > 0) { p = [Double](repeating: 1, count: inputs.tokens) }  // O = 0: any p is exact
        return ColumnSamplingPlan(weights: weights, probabilities: p)
    }
}
