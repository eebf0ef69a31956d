import Estimators

/// Every particle-system (interaction-sum) estimator selectable by name, with the same entry shape
/// as ``AttentionEstimatorCatalog``: random batch with and without replacement, Bernoulli
/// (Horvitz–Thompson) and uniform column sampling. Importance column sampling and Skeinformer are
/// attention-only (their probabilities would cost the O(N²) sum itself; see
/// ``UniformColumnInteractionSum``). Default sizes are matched in cost to the batch sizes
/// p = 2, 4, …, N/2 (π = (p−1)/(N−1), c = p − 1).
public enum InteractionSumEstimatorCatalog {
    public static var entries: [EstimatorEntry<any InteractionSumEstimator>] {
        [
            EstimatorEntry(name: "random-batch", sizeName: "p (batch size)", integerSize: true,
                           sizeRange: { n in 2...Double(n) }, defaultSizes: { n in batchSizes(n) },
                           make: { p in RandomBatchInteractionSum(batchSize: Int(p)) }),
            EstimatorEntry(name: "random-batch-replacement", sizeName: "p (batch size)", integerSize: true,
                           sizeRange: { n in 2...Double(n) }, defaultSizes: { n in batchSizes(n) },
                           make: { p in RandomBatchReplacementInteractionSum(batchSize: Int(p)) }),
            EstimatorEntry(name: "bernoulli", sizeName: "π (keep probability, in (0, 1])", integerSize: false,
                           sizeRange: { _ in 1e-6...1 },
                           defaultSizes: { n in batchSizes(n).map { ($0 - 1) / Double(n - 1) } },
                           make: { pi in BernoulliInteractionSum(keepProbability: pi) }),
            EstimatorEntry(name: "uniform-columns", sizeName: "c (column samples)", integerSize: true,
                           sizeRange: { n in 1...Double(n) }, defaultSizes: { n in batchSizes(n).map { $0 - 1 } },
                           make: { c in UniformColumnInteractionSum(samples: Int(c)) }),
        ]
    }

    public static var names: [String] { entries.map(\.name) }

    /// The entry called `name`, or ``InvalidInput`` naming `option` and listing the choices.
    public static func entry(named name: String, option: String) throws -> EstimatorEntry<any InteractionSumEstimator> {
        guard let entry = entries.first(where: { $0.name == name }) else {
            throw InvalidInput(option: option, "unknown estimator '\(name)'; choose from \(names.joined(separator: ", "))")
        }
        return entry
    }

    static func batchSizes(_ n: Int) -> [Double] { AttentionEstimatorCatalog.powersOfTwo(upTo: n / 2) }
}
