import NumericsCore

/// An attention estimator with per-input work that does not depend on its randomness (an oracle
/// normaliser, sampling probabilities, …). A static study prepares once per configuration and
/// then draws cheaply; ``AttentionEstimator/estimate(_:into:workspace:stream:)`` must equal
/// `estimate(inputs, prepared: prepare(inputs), …)`.
public protocol PreparedAttentionEstimator: AttentionEstimator {
    associatedtype Preparation: Sendable
    func prepare(_ inputs: AttentionInputs) -> Preparation
    func estimate(_ inputs: AttentionInputs, prepared: Preparation, into out: inout Matrix, workspace: AttentionWorkspace,
                  stream: RandomStream)
}
