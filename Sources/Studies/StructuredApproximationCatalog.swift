import Estimators

extension AttentionEstimatorCatalog {
    /// Structured approximations (issue 5), one entry per variant:
    ///
    /// | name | method | size |
    /// |---|---|---|
    /// | soft | SOFT, segment-mean landmarks, Newton–Schulz inverse (20 iterations, ridge 0.01) | m landmarks in [1, N] |
    /// | soft-svd | SOFT, segment-mean landmarks, exact pseudo-inverse (LAPACK SVD) | m in [1, N] |
    /// | soft-strided-svd | SOFT, strided landmarks, exact pseudo-inverse | m in [1, N] |
    /// | soft-random-svd | SOFT, uniform random landmark subset, exact pseudo-inverse (random) | m in [1, N] |
    /// | nystromformer | Nyströmformer, segment means, 6 cubic pseudo-inverse iterations | m in [1, N] |
    /// | performer-positive / -positive-orthogonal | FAVOR+ positive features, i.i.d. / orthogonal blocks | m features ≥ 1 |
    /// | performer-trigonometric, performer-hyperbolic | i.i.d. trigonometric / hyperbolic features | m ≥ 1 |
    /// | paramixer-chord, paramixer-cdil | factors fitted by least squares to the attention matrix | F factors in [1, 3⌈log₂N⌉] |
    ///
    /// SOFT's target is Gaussian-kernel attention (``SoftAttention/exactTarget(_:)``), the others'
    /// softmax or mean-field attention. Paramixer needs N a power of two
    /// (``tokenCountProblem(estimator:tokens:)``).
    static let structuredApproximations: [EstimatorEntry<any AttentionEstimator>] = {
        let landmarkSizes: @Sendable (Int) -> [Double] = { n in powersOfTwo(upTo: min(n / 2, 256)) }
        func landmarkEntry(_ name: String, _ make: @escaping @Sendable (Int) -> any AttentionEstimator) -> EstimatorEntry<any AttentionEstimator> {
            EstimatorEntry(name: name, sizeName: "m (landmarks)", integerSize: true, sizeRange: { n in 1...Double(n) },
                           defaultSizes: landmarkSizes, make: { m in make(Int(m)) })
        }
        let svd = SoftAttention.Inverse.pseudoInverse(relativeCutoff: nil)
        var entries: [EstimatorEntry<any AttentionEstimator>] = [
            landmarkEntry("soft") { SoftAttention(landmarks: $0) },
            landmarkEntry("soft-svd") { SoftAttention(landmarks: $0, inverse: svd) },
            landmarkEntry("soft-strided-svd") { SoftAttention(landmarks: $0, selection: .strided, inverse: svd) },
            landmarkEntry("soft-random-svd") { SoftAttention(landmarks: $0, selection: .uniformSubset, inverse: svd) },
            landmarkEntry("nystromformer") { NystromformerAttention(landmarks: $0) },
        ]
        let performers: [(RandomFeatureMap.Kind, RandomFeatureMap.Sampling)] = [
            (.positive, .independent), (.positive, .orthogonal), (.trigonometric, .independent), (.hyperbolic, .independent),
        ]
        for (kind, sampling) in performers {
            entries.append(EstimatorEntry(
                name: PerformerAttention(features: 1, kind: kind, sampling: sampling).name, sizeName: "m (random features)",
                integerSize: true, sizeRange: { _ in 1...1_000_000 }, defaultSizes: { _ in [4, 16, 64, 256, 1024] },
                make: { m in PerformerAttention(features: Int(m), kind: kind, sampling: sampling) }))
        }
        for pattern in ParamixerPattern.allCases {
            entries.append(EstimatorEntry(
                name: ParamixerAttention(pattern: pattern, factors: 1).name, sizeName: "F (sparse factors)", integerSize: true,
                sizeRange: { n in 1...Double(3 * ParamixerPattern.factorCount(tokens: n)) },
                defaultSizes: { n in
                    let m = ParamixerPattern.factorCount(tokens: n)
                    return Array(Set([1, max(1, m / 2), m, 2 * m])).sorted().map(Double.init)
                },
                make: { f in ParamixerAttention(pattern: pattern, factors: Int(f)) }))
        }
        return entries
    }()

    /// Why estimator `name` cannot run on N tokens, or nil when it can: Paramixer refuses N that
    /// is not a power of two (no padding). The command line reports it as bad input.
    public static func tokenCountProblem(estimator name: String, tokens n: Int) -> String? {
        if name.hasPrefix("paramixer"), !ParamixerPattern.isPowerOfTwo(n) {
            return "\(name) needs N a power of two (got N = \(n)); Paramixer refuses other N rather than padding"
        }
        return nil
    }
}
