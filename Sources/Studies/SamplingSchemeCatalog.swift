import Estimators

extension AttentionEstimatorCatalog {
    /// Sampling schemes on attention: Bernoulli (Horvitz–Thompson), YOSO (τ =
    /// ``YOSOAttention/defaultBits``) and its normalised variant, uniform and importance column
    /// sampling, Skeinformer and its three ablations (one component switched off each).
    static let samplingSchemes: [EstimatorEntry<any AttentionEstimator>] = {
        let columns: @Sendable (Int) -> ClosedRange<Double> = { n in 1...Double(n) }
        let columnSizes: @Sendable (Int) -> [Double] = { n in powersOfTwo(upTo: n / 2) }
        let hashSizes: @Sendable (Int) -> [Double] = { _ in [1.0, 2, 4, 8, 16, 32] }
        var entries: [EstimatorEntry<any AttentionEstimator>] = [
            EstimatorEntry(name: "bernoulli", sizeName: "π (keep probability, in (0, 1])", integerSize: false,
                           sizeRange: { _ in 1e-6...1 },
                           defaultSizes: { n in powersOfTwo(upTo: n / 2).map { ($0 - 1) / Double(n - 1) } },
                           make: { pi in BernoulliAttention(keepProbability: pi) }),
            EstimatorEntry(name: "yoso", sizeName: "m (hashes)", integerSize: true, sizeRange: { _ in 1...100_000 },
                           defaultSizes: hashSizes, make: { m in YOSOAttention(hashes: Int(m)) }),
            EstimatorEntry(name: "yoso-normalized", sizeName: "m (hashes)", integerSize: true, sizeRange: { _ in 1...100_000 },
                           defaultSizes: hashSizes, make: { m in NormalizedYOSOAttention(hashes: Int(m)) }),
            EstimatorEntry(name: "uniform-columns", sizeName: "c (column samples)", integerSize: true, sizeRange: columns,
                           defaultSizes: columnSizes, make: { c in UniformColumnAttention(samples: Int(c)) }),
            EstimatorEntry(name: "importance-columns", sizeName: "c (column samples)", integerSize: true, sizeRange: columns,
                           defaultSizes: columnSizes, make: { c in ImportanceColumnAttention(samples: Int(c)) }),
        ]
        let ablations: [SkeinformerAttention.Components] = [
            .all,
            .init(pilotSampling: false, adaptiveNormalization: true, pilotReuse: true),
            .init(pilotSampling: true, adaptiveNormalization: false, pilotReuse: true),
            .init(pilotSampling: true, adaptiveNormalization: true, pilotReuse: false),
        ]
        for components in ablations {
            entries.append(EstimatorEntry(name: SkeinformerAttention(samples: 1, components: components).name,
                                          sizeName: "c (column samples)", integerSize: true, sizeRange: columns,
                                          defaultSizes: columnSizes,
                                          make: { c in SkeinformerAttention(samples: Int(c), components: components) }))
        }
        return entries
    }()
}
