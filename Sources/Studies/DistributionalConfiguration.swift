import Foundation
import ParticleSystems

/// Everything that defines a distributional (in-law) study of RBM with replacement; validated
/// before any work starts. See ``DistributionalStudy``.
public struct DistributionalConfiguration: Codable, Sendable, Equatable {
    public var system: SmoothParticleSystem = .linear
    public var particles = 32
    public var dimension = 1
    public var batchSize = 2
    /// Time steps τ; the horizon must be a multiple of each, and each a multiple of the reference step.
    public var timeSteps: [Double] = [0.25, 0.125, 0.0625, 0.03125]
    public var horizon = 1.0
    /// σ; nil means the system's default (0.5). σ = 0 is the no-diffusion case of the W₂ theorem.
    public var noise: Double? = nil
    /// The exact system is full Euler–Maruyama at h = finest τ / referenceRefinement.
    public var referenceRefinement = 8
    /// Independent trajectories M, each with its own exact, second exact and RBM-r runs.
    public var trajectories = 2_000
    /// The trajectories are split into G consecutive groups; W₂ is computed per group between the
    /// pooled particles of the group (M/G·N points per measure) and averaged over groups.
    public var groups = 20
    /// Random orthonormal frames for the sliced W₂ when d > 1 (F·d directions).
    public var frames = 8
    public var seed: UInt64 = 20_251_207
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    public var referenceStep: Double { (timeSteps.min() ?? 1) / Double(referenceRefinement) }
    public var resolvedNoise: Double { noise ?? 0.5 }

    /// T/τ as an integer (validated to be one).
    public func steps(of tau: Double) -> Int { Int((horizon / tau).rounded()) }

    public var problem: ParticleProblem {
        system.referenceProblem.make(particles: particles, dimension: dimension, noise: noise)
    }

    /// Checks every field; throws ``InvalidInput`` naming the command-line option.
    public func validate() throws {
        try require((2...4_096).contains(particles), "--particles", "must be in 2…4096 (got \(particles))")
        try require((1...16).contains(dimension), "--dim", "must be in 1…16 (got \(dimension))")
        try require(batchSize >= 2 && batchSize <= particles, "--batch-size", "must be in 2…N = \(particles) (got \(batchSize))")
        try require(horizon.isFinite && horizon > 0 && horizon <= 1_000, "--horizon", "must be in (0, 1000] (got \(horizon))")
        if let noise { try require(noise.isFinite && noise >= 0 && noise <= 100, "--noise", "must be in [0, 100] (got \(noise))") }
        try require(timeSteps.count >= 2, "--dt", "needs at least two time steps (got \(timeSteps.count))")
        try require(Set(timeSteps).count == timeSteps.count, "--dt", "lists a time step twice")
        for tau in timeSteps {
            try require(tau.isFinite && tau > 0 && tau <= horizon, "--dt", "every step must be in (0, T = \(horizon)] (got \(tau))")
            let ratio = horizon / tau
            try require(abs(ratio - ratio.rounded()) <= 1e-9 * ratio, "--dt", "T = \(horizon) must be a multiple of every step (got \(tau))")
        }
        try require((2...64).contains(referenceRefinement), "--reference-refinement", "must be in 2…64 (got \(referenceRefinement))")
        let h = referenceStep
        for tau in timeSteps {
            let ratio = tau / h
            try require(abs(ratio - ratio.rounded()) <= 1e-9 * ratio, "--dt",
                        "every step must be a multiple of the reference step finest/\(referenceRefinement) = \(h) (got \(tau))")
        }
        try require(horizon / h <= 1e7, "--dt", "the reference would take \(Int(horizon / h)) steps (at most 10⁷): use a coarser finest step or a shorter --horizon")
        try require((4...10_000_000).contains(trajectories), "--trajectories", "must be in 4…10⁷ (got \(trajectories))")
        try require(groups >= 2 && groups <= trajectories / 2 && trajectories % groups == 0, "--groups",
                    "must be in 2…M/2 and divide M = \(trajectories) (got \(groups))")
        try require((1...256).contains(frames), "--frames", "must be in 1…256 (got \(frames))")
        try require((1...1_024).contains(threads), "--threads", "must be in 1…1024 (got \(threads))")
    }
}
