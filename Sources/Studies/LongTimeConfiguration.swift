import Foundation
import ParticleSystems

/// Everything that defines a long-time sampling study of RBM on the linear system; validated
/// before any work starts. See ``LongTimeSamplingStudy``.
public struct LongTimeConfiguration: Codable, Sendable, Equatable {
    public var particles = 32
    public var dimension = 1
    /// Batch sizes p (each dividing N; p = N is full Euler–Maruyama).
    public var batchSizes = [2, 4, 8]
    /// Time steps τ; the burn-in and the averaging time must be multiples of each.
    public var timeSteps: [Double] = [0.2, 0.1, 0.05, 0.025]
    /// Burn-in time B before the average starts (the transient decays as e^{−2aB}, a = 1).
    public var burnIn = 5.0
    /// Averaging time L: the time average runs over the L/τ steps after the burn-in.
    public var averagingTime = 20.0
    /// σ; nil means the linear system's default 0.5.
    public var noise: Double? = nil
    /// Independent trajectories R per (p, τ); each contributes one time average.
    public var trajectories = 64
    public var seed: UInt64 = 20_251_207
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    public var linearSystem: LinearMeanField { ReferenceProblem.linear.linearMeanField(noise: noise)! }
    public var problem: ParticleProblem { ReferenceProblem.linear.make(particles: particles, dimension: dimension, noise: noise) }
    public func steps(_ time: Double, of tau: Double) -> Int { Int((time / tau).rounded()) }

    /// Checks every field; throws ``InvalidInput`` naming the command-line option.
    public func validate() throws {
        try require((2...4_096).contains(particles), "--particles", "must be in 2…4096 (got \(particles))")
        try require((1...16).contains(dimension), "--dim", "must be in 1…16 (got \(dimension))")
        try require(!batchSizes.isEmpty && Set(batchSizes).count == batchSizes.count, "--batch-sizes", "must list distinct batch sizes")
        for p in batchSizes {
            try require(p >= 2 && p <= particles && particles % p == 0, "--batch-sizes",
                        "every p must be in 2…N and divide N = \(particles) (got \(p))")
        }
        if let noise { try require(noise.isFinite && noise > 0 && noise <= 100, "--noise", "must be in (0, 100] (got \(noise)): the invariant measure needs σ > 0") }
        try require(burnIn.isFinite && burnIn >= 0 && burnIn <= 1e4, "--burn-in", "must be in [0, 10⁴] (got \(burnIn))")
        try require(averagingTime.isFinite && averagingTime > 0 && averagingTime <= 1e5, "--averaging-time", "must be in (0, 10⁵] (got \(averagingTime))")
        try require(timeSteps.count >= 2, "--dt", "needs at least two time steps (got \(timeSteps.count))")
        try require(Set(timeSteps).count == timeSteps.count, "--dt", "lists a time step twice")
        for tau in timeSteps {
            // Euler–Maruyama on the linear system is stable for τ(a + κ) < 2, a + κ = 1.5.
            try require(tau.isFinite && tau > 0 && tau < 1, "--dt", "every step must be in (0, 1) (got \(tau)): larger steps make the scheme unstable")
            for (time, option) in [(burnIn, "--burn-in"), (averagingTime, "--averaging-time")] {
                let ratio = time / tau
                try require(abs(ratio - ratio.rounded()) <= 1e-9 * max(ratio, 1), option, "must be a multiple of every step (\(time) is not a multiple of \(tau))")
            }
            try require((burnIn + averagingTime) / tau <= 1e8, "--dt", "\(tau) needs more than 10⁸ steps per trajectory")
        }
        try require((4...1_000_000).contains(trajectories), "--trajectories", "must be in 4…10⁶ (got \(trajectories))")
        try require((1...1_024).contains(threads), "--threads", "must be in 1…1024 (got \(threads))")
    }
}
