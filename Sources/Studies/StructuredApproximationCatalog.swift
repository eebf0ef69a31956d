import Estimators

extension AttentionEstimatorCatalog {
    /// Structured approximations (issue 5): SOFT, Nyströmformer, Performer, Paramixer.
    static let structuredApproximations: [EstimatorEntry<any AttentionEstimator>] = []
}
