import NumericsCore

/// YOSO with ℓ2-normalised output rows, as the released method applies it (arXiv 2111.09714):
/// Ôᵢ = Ŷᵢ/‖Ŷᵢ‖ with Ŷ from ``YOSOAttention`` (a zero row stays zero). Its reference
/// (``exactTarget(_:)``) is YOSO-E with normalised rows, Yᵢ/‖Yᵢ‖. The normalisation is a nonlinear
/// map of an unbiased estimate, so this variant is **biased** (bias O(1/m) by the delta method)
/// and has no closed-form variance: measure it. Cost as ``YOSOAttention``.
public struct NormalizedYOSOAttention: AttentionEstimator {
    public let base: YOSOAttention

    public init(hashes: Int, bits: Int = YOSOAttention.defaultBits) {
        base = YOSOAttention(hashes: hashes, bits: bits)
    }

    public var name: String { "yoso-normalized" }
    public var size: Double? { base.size }
    public var bits: Int { base.bits }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { false }
    public func expectedCost(tokens n: Int) -> Double { base.expectedCost(tokens: n) }

    public func exactTarget(_ inputs: AttentionInputs) -> Matrix {
        YOSOAttention.normalizedRows(YOSOAttention.expectedAttention(inputs, bits: base.bits))
    }

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        base.estimate(inputs, into: &out, workspace: workspace, stream: stream)
        YOSOAttention.normalizeRows(&out)
    }
}
