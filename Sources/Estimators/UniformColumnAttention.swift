import NumericsCore

/// Uniform column sampling of attention O = B·V (``ColumnSamplingPlan`` with pⱼ = 1/N), the
/// baseline of column sampling: Ô = (N/c) Σₖ B⁽ᴶᵏ⁾ V_{Jₖ}, J i.i.d. uniform. **Unbiased** for softmax and
/// mean-field attention, with the DKM identity E‖Ôᵢ − Oᵢ‖² = (1/c)(N Σⱼ B_{ij}²‖Vⱼ‖² − ‖Oᵢ‖²).
///
/// B is exact here (an oracle: under softmax its normaliser needs all N scores of a row), prepared
/// once per configuration; ``expectedCost(tokens:)`` counts the c sampled columns per token, the
/// cost of the product that the sampling approximates. Skeinformer (``SkeinformerAttention``) is the
/// practical version that estimates the normaliser instead.
public struct UniformColumnAttention: ColumnSamplingAttention {
    public let samples: Int

    public init(samples: Int) {
        precondition(samples >= 1, "column samples c = \(samples) < 1")
        self.samples = samples
    }

    public var name: String { "uniform-columns" }

    public func prepare(_ inputs: AttentionInputs) -> ColumnSamplingPlan {
        ColumnSamplingPlan(weights: AttentionWeightMatrix(inputs),
                           probabilities: [Double](repeating: 1 / Double(inputs.tokens), count: inputs.tokens))
    }
}
