import NumericsCore

/// Column sampling of attention O = B·V through a ``ColumnSamplingPlan`` prepared once per
/// configuration: the part shared by ``UniformColumnAttention`` and
/// ``ImportanceColumnAttention``, which differ only in the probabilities of their plan
/// (``PreparedAttentionEstimator/prepare(_:)``).
///
/// With B exact (an oracle) the estimate is **unbiased** for softmax and mean-field attention, and
/// its mean squared error is the DKM identity of the plan,
/// E‖Ôᵢ − Oᵢ‖² = (1/c)(Σⱼ B_{ij}²‖Vⱼ‖²/pⱼ − ‖Oᵢ‖²). Cost is counted as the c sampled columns per
/// token; a draw costs O(c log N + N·c·d_v).
public protocol ColumnSamplingAttention: AttentionVarianceLaw, PreparedAttentionEstimator
where Preparation == ColumnSamplingPlan {
    /// Column samples c per call (≥ 1).
    var samples: Int { get }
}

extension ColumnSamplingAttention {
    public var size: Double? { Double(samples) }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { true }
    public func expectedCost(tokens n: Int) -> Double { Double(samples) }

    /// One draw from the prepared plan; needs no scratch (allocates nothing).
    public func estimate(_ inputs: AttentionInputs, prepared: ColumnSamplingPlan, into out: inout Matrix,
                         workspace: AttentionWorkspace, stream: RandomStream) {
        prepared.estimate(inputs, samples: samples, into: &out, stream: stream)
    }

    /// Prepares the plan (O(N²·d), allocating) and draws once: loops draw from one preparation.
    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        estimate(inputs, prepared: prepare(inputs), into: &out, workspace: workspace, stream: stream)
    }

    public func theoreticalMeanSquaredError(_ inputs: AttentionInputs) -> [Double]? {
        prepare(inputs).theoreticalMeanSquaredError(inputs, samples: samples)
    }
}
