import Estimators
import Foundation
import ParticleSystems

/// The systems a convergence study can integrate: the particle reference problems and
/// self-attention dynamics.
public enum ConvergenceSystem: String, Codable, Sendable, CaseIterable {
    case smooth, linear, dyson, attention
    case thomson
    case opinion

    /// The particle problem, or nil for attention.
    public var referenceProblem: ReferenceProblem? { ReferenceProblem(rawValue: rawValue) }
}

/// Everything that defines a convergence study; validated before any work starts.
public struct ConvergenceConfiguration: Codable, Sendable {
    public var system: ConvergenceSystem = .smooth
    /// The approximate estimator by catalog name; nil means "random-batch" for particle systems
    /// and "rba" for attention.
    public var estimator: String? = nil
    /// Attention model and tokens (system = attention); its N and d are `particles`, `dimension`.
    public var attention = AttentionSetup()
    public var particles: Int = 64
    public var dimension: Int = 2
    public var batchSizes: [Int] = [2, 4, 8]
    /// Time steps τ (the re-batching interval); any grid, each an integer multiple of the
    /// reference step (finest τ / referenceRefinement), with the horizon a multiple of each.
    public var timeSteps: [Double] = (3...8).map { pow(2.0, -Double($0)) }
    public var horizon: Double = 2
    /// σ; nil means the system's default (0.5 for smooth and linear).
    public var noise: Double? = nil
    public var trajectories: Int = 100
    public var seed: UInt64 = 20_251_123
    /// Worker threads; all cores by default, as on the command line (results do not depend on it).
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Reference step = finest τ / referenceRefinement (≥ 4).
    public var referenceRefinement: Int = 8
    /// Bootstrap replicates for the second confidence interval of each order.
    public var bootstrapReplicates: Int = 400
    /// K: errors are also recorded at the checkpoints tⱼ = j·T/K, j = 1 … K (the time profile of
    /// every error, its largest value over t and its growth in t). nil: the largest K ≤ 4 for
    /// which T/K is a multiple of every time step. An explicit K must satisfy that.
    public var checkpoints: Int? = nil

    /// The number of checkpoints in use (see ``checkpoints``): 1 means the final time only.
    public var resolvedCheckpoints: Int {
        if let checkpoints { return checkpoints }
        return (1...Self.defaultCheckpoints).reversed().first { k in timeSteps.allSatisfy { steps(of: $0) % k == 0 } } ?? 1
    }

    /// The most checkpoints chosen automatically.
    public static let defaultCheckpoints = 4

    /// The checkpoint times tⱼ = j·T/K, j = 1 … K (the last is T).
    public var checkpointTimes: [Double] {
        let k = resolvedCheckpoints
        return (1...k).map { horizon * Double($0) / Double(k) }
    }

    public init() {}

    /// The dimension of the state (dyson is one-dimensional).
    var stateDimension: Int { system.referenceProblem?.fixedDimension ?? dimension }

    /// The reference step h = min τ / referenceRefinement.
    public var referenceStep: Double { (timeSteps.min() ?? 1) / Double(referenceRefinement) }

    /// Rank of each time step in decreasing order and of each batch size in increasing order:
    /// random streams are keyed by these ranks, so the order of the lists does not change results.
    public var timeStepRanks: [Int] { timeSteps.map { dt in timeSteps.filter { $0 > dt }.count } }
    public var batchSizeRanks: [Int] { batchSizes.map { p in batchSizes.filter { $0 < p }.count } }

    /// Number of steps of size `dt` in the horizon.
    public func steps(of dt: Double) -> Int { Int((horizon / dt).rounded()) }

    /// Checks every option against its allowed range, builds the model (reading any token file)
    /// and checks the estimator and its sizes; throws ``InvalidInput`` naming the command-line
    /// option.
    public func validate() throws {
        try validateGrid()
        if system == .attention {
            try require(noise == nil, "--noise", "attention dynamics is deterministic; omit --noise")
            if attention.tokensFile != nil {
                let shape = try attention.resolvedShape()
                try require(shape.tokens == particles && shape.dimension == dimension, "--tokens-file",
                            "holds N = \(shape.tokens) tokens of dimension \(shape.dimension); --particles and --dim must match it or be omitted")
            }
        }
        if system == .dyson {
            try require(noise == nil, "--noise", "dyson fixes σ = √(2/(βN)) with β = 2; omit --noise")
            try require(dimension == 1, "--dim", "dyson is one-dimensional: --dim must be 1 (got \(dimension))")
        }
        if system == .thomson {
            try require(noise == nil || noise == 0, "--noise", "thomson is a gradient flow on the sphere (σ = 0); omit --noise")
            try require(dimension == 3, "--dim", "thomson lives on the sphere S² in ℝ³: --dim must be 3 (got \(dimension))")
        }
        if system == .opinion {
            try require(dimension == 1, "--dim", "opinion dynamics is one-dimensional: --dim must be 1 (got \(dimension))")
        }
        // Files, estimator names and sizes, maps and token counts: checked here, before any output exists.
        _ = try model()
    }

    /// The checks that do not depend on the system: sizes, the τ grid, the horizon, the
    /// trajectory and thread counts (`particles` is the model's N).
    func validateGrid() throws {
        try require(particles >= 2 && particles <= 10_000_000, "--particles", "must be an integer in [2, 10000000] (got \(particles))")
        try require(dimension >= 1 && dimension <= 4096, "--dim", "must be an integer in [1, 4096] (got \(dimension))")
        try require(!batchSizes.isEmpty, "--batch-sizes", "needs at least one batch size")
        for p in batchSizes {
            try require(p >= 2 && p <= particles, "--batch-sizes", "each batch size must be in [2, N = \(particles)] (got \(p))")
        }
        try require(Set(batchSizes).count == batchSizes.count, "--batch-sizes", "batch sizes must be distinct")
        try require(horizon.isFinite && horizon > 0, "--horizon", "must be a finite number > 0 (got \(horizon))")
        try require(timeSteps.count >= 2, "--dt", "needs at least two time steps to fit an order (got \(timeSteps.count))")
        for dt in timeSteps {
            try require(dt.isFinite && dt > 0, "--dt", "each time step must be a finite number > 0 (got \(dt))")
            try require(dt <= horizon, "--dt", "each time step must be ≤ the horizon \(horizon) (got \(dt))")
        }
        try require(Set(timeSteps).count == timeSteps.count, "--dt", "time steps must be distinct")
        if let sigma = noise {
            try require(sigma.isFinite && sigma >= 0, "--noise", "must be a finite number ≥ 0 (got \(sigma))")
        }
        try require(trajectories >= 2 && trajectories <= 10_000_000, "--trajectories", "must be an integer in [2, 10000000] (got \(trajectories))")
        try require(threads >= 1 && threads <= 1024, "--threads", "must be an integer in [1, 1024] (got \(threads))")
        try require(referenceRefinement >= 4 && referenceRefinement <= 1024, "--reference-refinement", "must be an integer in [4, 1024] (got \(referenceRefinement))")
        try require(timeSteps.count <= 64, "--dt", "at most 64 time steps (got \(timeSteps.count))")
        try require(batchSizes.count <= 64, "--batch-sizes", "at most 64 batch sizes (got \(batchSizes.count))")
        let h = referenceStep
        try require(horizon / h <= 1e9, "--dt", "the reference step \(h) (finest dt / \(referenceRefinement)) needs more than 10⁹ steps to reach the horizon \(horizon)")
        for dt in timeSteps + [horizon] {
            let ratio = dt / h
            try require(abs(ratio - ratio.rounded()) <= 1e-9 * ratio, "--dt",
                        "every time step and the horizon must be integer multiples of the reference step \(h) (= finest dt / \(referenceRefinement)); \(dt) is not")
            _ = ratio
        }
        for dt in timeSteps {
            let n = horizon / dt
            try require(abs(n - n.rounded()) <= 1e-9 * n, "--dt", "the horizon \(horizon) must be an integer multiple of every time step; \(dt) does not divide it")
        }
        if let k = checkpoints {
            try require(k >= 1 && k <= 1024, "--checkpoints", "must be an integer in [1, 1024] (got \(k))")
            for dt in timeSteps {
                try require(steps(of: dt) % k == 0, "--checkpoints",
                            "T/K = \(horizon)/\(k) must be a multiple of every time step; \(dt) takes \(steps(of: dt)) steps to T, not a multiple of \(k)")
            }
        }
        let referencePairs = Double(steps(of: h)) * Double(particles) * Double(particles) * Double(trajectories)
        try require(referencePairs <= 1e15, "--dt",
                    "the reference runs would take \(steps(of: h)) steps × N² = \(particles)² pair interactions × \(trajectories) trajectories (> 10¹⁵); use a coarser finest dt, fewer particles or a shorter horizon")
    }

    /// The library parameter each command-line option sets, for errors raised by library calls.
    static let parameterNames: [String: String] = [
        "--particles": "particles", "--dim": "dimension", "--batch-sizes": "batchSizes", "--dt": "timeSteps",
        "--horizon": "horizon", "--noise": "noise", "--trajectories": "trajectories", "--threads": "threads",
        "--reference-refinement": "referenceRefinement", "--estimator": "estimator", "--system": "system",
        "--checkpoints": "checkpoints",
    ]

    /// Pair interactions of one trajectory, from the configuration: the reference's steps(h)·N²
    /// (the adaptive rk8pd reference of σ = 0 is counted the same way, which undercounts it over
    /// horizons much longer than the dynamics' own time scale), and at every τ the full
    /// system's (T/τ)·N² plus RBM's (T/τ)·N·(p − 1) for every batch size p. The work of a run is
    /// this times its trajectories; ``estimatedMemoryBytes`` is the matching memory estimate.
    public var pairInteractionsPerTrajectory: Double {
        let n = Double(particles)
        let batches = batchSizes.reduce(0.0) { $0 + n * Double($1 - 1) }
        let levels = timeSteps.reduce(0.0) { $0 + (horizon / $1).rounded() * (n * n + batches) }
        return Double(steps(of: referenceStep)) * n * n + levels
    }

    /// Peak memory of a run in bytes, estimated from the configuration: per worker
    /// (min(threads, trajectories) run at once) the coarse Brownian paths of every level (σ > 0),
    /// 8 state-sized vectors (initial state, reference, increments, the full and approximate runs,
    /// integrator stages), the reference and full-EM states at the checkpoints and, without noise, the adaptive reference's 16 more (rk8pd stages and
    /// error control), with attention's projections and score scratch; plus every trajectory's
    /// record (3 numbers per level and batch size, 2 more per checkpoint) and a fixed 64 MB for the program itself.
    /// Measured peaks (N·d = 2·10⁶, σ > 0, 2 levels; attention N·d = 8·10⁵) are 10% and 5% below.
    public var estimatedMemoryBytes: Double {
        let stateDoubles = Double(particles) * Double(stateDimension)
        let noisy = system != .attention && (noise ?? 1) > 0
        let pathSteps = noisy ? timeSteps.reduce(0.0) { $0 + (horizon / $1).rounded() } : 0
        var perWorker = (pathSteps + 8 + (noisy ? 0 : 16)) * stateDoubles * 8
        if system == .attention { perWorker += Double(ExactAttention.scratchBytes(keys: particles)) + 2 * stateDoubles * 8 }
        let workers = Double(max(1, min(threads, trajectories)))
        let k = Double(resolvedCheckpoints)
        perWorker += k > 1 ? 2 * k * stateDoubles * 8 : 0  // reference and full-EM states at the checkpoints
        let records = Double(trajectories) * Double(timeSteps.count) * (Double(3 * batchSizes.count + 2) + k * Double(2 * batchSizes.count + 1)) * 8
        return workers * perWorker + records + 64e6
    }
}
