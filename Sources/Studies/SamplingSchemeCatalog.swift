import Estimators

extension AttentionEstimatorCatalog {
    /// Sampling schemes on attention (issue 4): Bernoulli, YOSO, column sampling, Skeinformer.
    static let samplingSchemes: [EstimatorEntry<any AttentionEstimator>] = []
}
