import Foundation

/// The JSON of a convergence configuration: every field, except the attention block for a
/// particle system (it does not apply there; it is optional in the schema and read back as the
/// default when absent).
extension ConvergenceConfiguration {
    enum CodingKeys: String, CodingKey {
        case system, estimator, attention, particles, dimension, batchSizes, timeSteps, horizon, noise, trajectories, seed, threads,
             referenceRefinement, bootstrapReplicates, checkpoints
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        system = try c.decode(ConvergenceSystem.self, forKey: .system)
        estimator = try c.decodeIfPresent(String.self, forKey: .estimator)
        attention = try c.decodeIfPresent(AttentionSetup.self, forKey: .attention) ?? AttentionSetup()
        particles = try c.decode(Int.self, forKey: .particles)
        dimension = try c.decode(Int.self, forKey: .dimension)
        batchSizes = try c.decode([Int].self, forKey: .batchSizes)
        timeSteps = try c.decode([Double].self, forKey: .timeSteps)
        horizon = try c.decode(Double.self, forKey: .horizon)
        noise = try c.decodeIfPresent(Double.self, forKey: .noise)
        trajectories = try c.decode(Int.self, forKey: .trajectories)
        seed = try c.decode(UInt64.self, forKey: .seed)
        threads = try c.decode(Int.self, forKey: .threads)
        referenceRefinement = try c.decode(Int.self, forKey: .referenceRefinement)
        bootstrapReplicates = try c.decode(Int.self, forKey: .bootstrapReplicates)
        checkpoints = try c.decodeIfPresent(Int.self, forKey: .checkpoints)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(system, forKey: .system)
        try c.encodeIfPresent(estimator, forKey: .estimator)
        if system == .attention { try c.encode(attention, forKey: .attention) }
        try c.encode(particles, forKey: .particles)
        try c.encode(dimension, forKey: .dimension)
        try c.encode(batchSizes, forKey: .batchSizes)
        try c.encode(timeSteps, forKey: .timeSteps)
        try c.encode(horizon, forKey: .horizon)
        try c.encodeIfPresent(noise, forKey: .noise)
        try c.encode(trajectories, forKey: .trajectories)
        try c.encode(seed, forKey: .seed)
        try c.encode(threads, forKey: .threads)
        try c.encode(referenceRefinement, forKey: .referenceRefinement)
        try c.encode(bootstrapReplicates, forKey: .bootstrapReplicates)
        try c.encodeIfPresent(checkpoints, forKey: .checkpoints)
    }
}
