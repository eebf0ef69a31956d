/// What a random stream is used for; part of its key, so that e.g. the Brownian
/// increments of a trajectory do not change when the batch draws change.
public enum StreamPurpose: UInt32, Sendable, Codable {
    case initialCondition = 1
    case brownianNoise = 2
    case batchPartition = 3
    case estimatorDraws = 4
    case bootstrap = 5
    /// Fixed configurations at which estimators are measured statically.
    case configuration = 6
    /// Model parameters fixed for a whole study (e.g. random attention maps Q, K, V).
    case modelParameters = 7
    /// Random projection directions (the frames of a sliced Wasserstein distance).
    case projections = 8
}

/// The identity of one independent random stream: (seed, trajectory, purpose, index).
///
/// All 64 bits of the seed and of the trajectory number are used ( GSL's own
/// seeding keeps 32 bits, and 10⁵ trajectories seeded by 32-bit values collide). `index`
/// (24 bits) separates several streams of one purpose, e.g. one per batch size.
public struct StreamKey: Hashable, Sendable, Codable {
    public var seed: UInt64
    public var trajectory: UInt64
    public var purpose: StreamPurpose
    public var index: UInt32

    public init(seed: UInt64, trajectory: UInt64 = 0, purpose: StreamPurpose, index: UInt32 = 0) {
        precondition(index < (1 << 24), "stream index \(index) exceeds 24 bits")
        self.seed = seed
        self.trajectory = trajectory
        self.purpose = purpose
        self.index = index
    }
}
