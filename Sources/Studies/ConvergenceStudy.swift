import Foundation
import Estimators
import NumericsCore
import Synchronization
import ParticleSystems

/// Error versus time step for the Random Batch Method, decomposed:
///
/// - batch error: RBM-EM(τ) − full-EM(τ) on the same Brownian increments (theory O(√(τ·g)),
///   g = E[1/(s−1)] − 1/(N−1), = 1/(p−1) − 1/(N−1) when p divides N);
/// - time error: full-EM(τ) − reference (strong order 1 for additive noise);
/// - total (strong) error: RBM-EM(τ) − reference; and the paired weak error of the observable
///   f(X) = (1/N) Σᵢ ‖Xᵢ‖² (second moment of the empirical measure).
///
/// Coupling: every run of a trajectory starts from the same X(0) and, for σ > 0, uses the same
/// Brownian path, drawn at the reference step h = min τ / r (r ≥ 4) and summed into coarse
/// increments; the reference is full Euler–Maruyama at h. For σ = 0 the reference is GSL's
/// adaptive rk8pd. Batch partitions come from their own stream per (trajectory, level, batch
/// size), independent of the Brownian stream. Strong errors are RMS over particles and
/// trajectories at the final time T and at the checkpoints tⱼ = j·T/K (the time profile).
///
/// Trajectories run in parallel; each writes only its own record and all reductions run in
/// trajectory order, so the report is bit-identical for any thread count.
///
/// Cost per trajectory: O((T/h)·N² + Σ_τ (T/τ)·(N² + |P|·p·N)) pair interactions.
public enum ConvergenceStudy {
    public static func secondMoment(_ x: [Double], particles n: Int) -> Double {
        x.reduce(0) { $0 + $1 * $1 } / Double(n)
    }

    /// Runs the study. `progress(done, total)` and `record` (each trajectory's errors as soon as
    /// they exist, for streaming to disk) are called from worker threads, possibly concurrently
    /// and in completion order: they must be thread-safe. The report itself does not depend on
    /// that order. `completed` holds records of trajectories already run (a resumed run): they are
    /// used as they are, not run again nor passed to `record`, so the report is the one an
    /// uninterrupted run gives.
    public static func run(_ configuration: ConvergenceConfiguration,
                           progress: (@Sendable (Int, Int) -> Void)? = nil,
                           record: (@Sendable (TrajectoryErrors) -> Void)? = nil,
                           completed: [Int: TrajectoryErrors] = [:]) throws -> ConvergenceReport {
        try namingLibraryParameters { try configuration.validate() }
        return try run(configuration, validatedModel: try configuration.model(), progress: progress, record: record, completed: completed)
    }

    /// Runs the study on a model of your own (see
    /// ``ConvergenceModel/init(problem:estimatorName:estimator:observable:exactExpectation:varianceFactor:)``):
    /// the τ grid, horizon, batch sizes, trajectories, seed and threads come from `configuration`;
    /// its system, N, d, σ and estimator are replaced by the model's.
    ///
    /// - Throws: ``InvalidInput`` naming the ``ConvergenceConfiguration`` property out of range
    ///   (for example `timeSteps`), before any work starts.
    public static func run(_ configuration: ConvergenceConfiguration, model: ConvergenceModel,
                           progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> ConvergenceReport {
        var c = configuration
        c.particles = model.particles
        c.dimension = model.dimension
        c.noise = model.noise
        c.estimator = model.estimatorName
        try namingLibraryParameters { try c.validateGrid() }
        return try run(c, validatedModel: model, progress: progress, record: nil, completed: [:])
    }

    /// Rethrows ``InvalidInput`` with the library parameter's name in place of the command-line option.
    static func namingLibraryParameters(_ body: () throws -> Void) throws {
        do { try body() } catch let error as InvalidInput {
            throw InvalidInput(option: ConvergenceConfiguration.parameterNames[error.option] ?? error.option, error.message)
        }
    }

    static func run(_ configuration: ConvergenceConfiguration, validatedModel model: ConvergenceModel,
                    progress: (@Sendable (Int, Int) -> Void)?, record: (@Sendable (TrajectoryErrors) -> Void)?,
                    completed: [Int: TrajectoryErrors]) throws -> ConvergenceReport {
        let start = Date()
        let m = configuration.trajectories
        let missing = (0..<m).filter { completed[$0] == nil }
        let fresh = try trajectories(missing, configuration: configuration, model: model, alreadyDone: m - missing.count,
                                     progress: progress, record: record)
        var results = (0..<m).map { completed[$0] }
        for errors in fresh { results[errors.trajectory] = errors }
        return try ConvergenceReport.assemble(configuration: configuration, model: model,
                                              trajectories: results.map { $0! },
                                              wallSeconds: Date().timeIntervalSince(start))
    }

    /// Runs only the trajectories `indices` (one shard of a study), returning their records in the
    /// order of `indices`; every trajectory's streams are keyed by its index, so a record is the one
    /// the whole study computes. `progress` and `record` as in ``run(_:progress:record:completed:)``.
    public static func runTrajectories(_ indices: [Int], configuration: ConvergenceConfiguration,
                                       progress: (@Sendable (Int, Int) -> Void)? = nil,
                                       record: (@Sendable (TrajectoryErrors) -> Void)? = nil) throws -> [TrajectoryErrors] {
        try namingLibraryParameters { try configuration.validate() }
        try require(indices.allSatisfy { $0 >= 0 && $0 < configuration.trajectories }, "--shard", "trajectory index out of range")
        return try trajectories(indices, configuration: configuration, model: try configuration.model(), alreadyDone: 0,
                                progress: progress, record: record)
    }

    /// The records of `indices`, run in parallel; progress counts from `alreadyDone`.
    static func trajectories(_ indices: [Int], configuration: ConvergenceConfiguration, model: ConvergenceModel, alreadyDone: Int,
                             progress: (@Sendable (Int, Int) -> Void)?,
                             record: (@Sendable (TrajectoryErrors) -> Void)?) throws -> [TrajectoryErrors] {
        if configuration.threads > 1 { BLAS.setThreads(1) }
        let total = alreadyDone + indices.count
        var results = [TrajectoryErrors?](repeating: nil, count: indices.count)
        let shared = Mutex<(done: Int, firstError: (any Error)?)>((alreadyDone, nil))
        results.withUnsafeMutableBufferPointer { slots in
            let slots = DisjointOutput(slots)  // trajectory k writes only slot k
            parallelForEach(indices.count, threads: configuration.threads) { k in
                do {
                    let errors = try runTrajectory(indices[k], configuration: configuration, model: model)
                    slots[k] = errors
                    record?(errors)
                } catch {
                    shared.withLock { if $0.firstError == nil { $0.firstError = error } }
                }
                let count = shared.withLock { $0.done += 1; return $0.done }
                progress?(count, total)
            }
        }
        if let error = shared.withLock({ $0.firstError }) { throw error }
        return results.map { $0! }
    }

    /// One trajectory: the reference, then full-EM and the approximate (RBM, RBA, …) EM at every level.
    static func runTrajectory(_ trajectory: Int, configuration c: ConvergenceConfiguration,
                              model: ConvergenceModel) throws -> TrajectoryErrors {
        let n = model.particles, d = model.dimension, size = n * d
        let levels = c.timeSteps, h = c.referenceStep
        let levelRanks = c.timeStepRanks, sizeRanks = c.batchSizeRanks
        let seed = c.seed, t64 = UInt64(trajectory)
        let initial = try model.initialState(seed, trajectory)
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let exactDrift = model.exactDrift
        let integrator = model.integrator
        let unused = RandomStream(seed: seed, trajectory: t64, purpose: .estimatorDraws)
        var nonFinite = 0, crossed = 0
        func note(_ outcome: IntegrationOutcome) {
            if outcome.nonFiniteStep != nil { nonFinite += 1 }
            if outcome.firstCrossingStep != nil { crossed += 1 }
        }
        let referenceOrdering = exactDrift.requiresOrdering ? OrderingMonitor(initial) : nil
        var referenceCrossed = false

        // Reference solution (and its states at the checkpoints) and, for σ > 0, the coarse
        // Brownian paths of every level.
        let checkpoints = c.resolvedCheckpoints
        var reference = initial
        var referenceAt = [[Double]](repeating: [Double](repeating: .nan, count: size), count: checkpoints)
        var coarsePaths: [[Double]] = []
        if model.noise > 0 {
            let fineSteps = c.steps(of: h)
            let fineInterval = fineSteps / checkpoints
            let ratios = levels.map { Int(($0 / h).rounded()) }
            coarsePaths = levels.map { [Double](repeating: 0, count: c.steps(of: $0) * size) }
            let brownian = RandomStream(seed: seed, trajectory: t64, purpose: .brownianNoise)
            var increment = [Double](repeating: 0, count: size)
            let scale = h.squareRoot()
            for s in 0..<fineSteps {
                brownian.fillGaussian(&increment, scale: scale)
                increment.withUnsafeBufferPointer { dW in
                    let fine = dW.baseAddress!
                    for (k, ratio) in ratios.enumerated() {
                        coarsePaths[k].withUnsafeMutableBufferPointer { path in
                            let coarse = path.baseAddress! + (s / ratio) * size
                            for e in 0..<size { coarse[e] += fine[e] }
                        }
                    }
                    integrator.step(&reference, timeStep: h, brownianIncrement: dW, drift: exactDrift,
                               workspace: workspace, stream: unused)
                }
                exactDrift.retract(&reference)
                if let monitor = referenceOrdering, !referenceCrossed, !monitor.isPreserved(by: reference) { referenceCrossed = true }
                if (s + 1) % fineInterval == 0 { referenceAt[(s + 1) / fineInterval - 1] = reference }
            }
        } else {
            let solver = AdaptiveReferenceIntegrator(drift: exactDrift)
            let times = c.checkpointTimes
            for (j, t) in times.enumerated() {
                try solver.integrate(&reference, from: j == 0 ? 0 : times[j - 1], to: t)
                var retracted = reference
                exactDrift.retract(&retracted)
                referenceAt[j] = retracted
            }
            exactDrift.retract(&reference)
        }
        if !reference.allSatisfy({ $0.isFinite }) { nonFinite += 1 }
        if referenceCrossed { crossed += 1 }
        let referenceObservable = model.observable(reference)

        let nan = [Double](repeating: .nan, count: checkpoints)
        var result = TrajectoryErrors(
            trajectory: trajectory, timeSquared: [], timeWeak: [],
            strongSquared: Array(repeating: [], count: c.batchSizes.count),
            batchSquared: Array(repeating: [], count: c.batchSizes.count),
            weak: Array(repeating: [], count: c.batchSizes.count), nonFiniteRuns: 0, crossedRuns: 0,
            referenceObservable: referenceObservable,
            checkpointTimeSquared: [],
            checkpointStrongSquared: Array(repeating: [], count: c.batchSizes.count),
            checkpointBatchSquared: Array(repeating: [], count: c.batchSizes.count))
        let times = c.checkpointTimes
        let initialRadius = ReferenceProblem.dysonInitialRadius
        var semicircle = model.comparesWithSemicircle ? SemicircleDistanceSamples(levels: levels.count, batches: c.batchSizes.count) : nil
        if semicircle != nil {
            (semicircle!.referenceW1, semicircle!.referenceKolmogorov) = SemicircleDistanceSamples.profile(referenceAt, times: times, initialRadius: initialRadius)
        }
        let approximateDrifts = c.batchSizes.map { model.approximateDrift($0) }
        var fullAt = [[Double]](repeating: [Double](repeating: .nan, count: size), count: checkpoints)
        for (k, dt) in levels.enumerated() {
            let steps = c.steps(of: dt)
            let path: [Double]? = model.noise > 0 ? coarsePaths[k] : nil
            var full = initial
            for j in fullAt.indices { for e in 0..<size { fullAt[j][e] = .nan } }
            var timeAt = nan
            note(integrator.integrate(&full, timeStep: dt, steps: steps, drift: exactDrift, brownianPath: path,
                                 workspace: workspace, stream: unused, checkpoints: checkpoints) { j, state in
                fullAt[j - 1] = state
                timeAt[j - 1] = meanSquaredDistance(state, referenceAt[j - 1], particles: n)
            })
            result.timeSquared.append(meanSquaredDistance(full, reference, particles: n))
            result.timeWeak.append(model.observable(full) - referenceObservable)
            result.checkpointTimeSquared.append(timeAt)
            if semicircle != nil {
                let (w1, kolmogorov) = SemicircleDistanceSamples.profile(fullAt, times: times, initialRadius: initialRadius)
                semicircle!.fullW1.append(w1)
                semicircle!.fullKolmogorov.append(kolmogorov)
            }
            for (b, drift) in approximateDrifts.enumerated() {
                let batches = RandomStream(seed: seed, trajectory: t64, purpose: .batchPartition,
                                           index: UInt32(levelRanks[k] << 12 | sizeRanks[b]))
                var approximate = initial
                var strongAt = nan, batchAt = nan, w1At = nan, kolmogorovAt = nan
                note(integrator.integrate(&approximate, timeStep: dt, steps: steps, drift: drift, brownianPath: path,
                                     workspace: workspace, stream: batches, checkpoints: checkpoints) { j, state in
                    strongAt[j - 1] = meanSquaredDistance(state, referenceAt[j - 1], particles: n)
                    batchAt[j - 1] = meanSquaredDistance(state, fullAt[j - 1], particles: n)
                    if model.comparesWithSemicircle {
                        (w1At[j - 1], kolmogorovAt[j - 1]) = SemicircleDistanceSamples.distances(of: state, at: times[j - 1], initialRadius: initialRadius)
                    }
                })
                semicircle?.approximateW1[b].append(w1At)
                semicircle?.approximateKolmogorov[b].append(kolmogorovAt)
                result.strongSquared[b].append(meanSquaredDistance(approximate, reference, particles: n))
                result.batchSquared[b].append(meanSquaredDistance(approximate, full, particles: n))
                result.weak[b].append(model.observable(approximate) - referenceObservable)
                result.checkpointStrongSquared[b].append(strongAt)
                result.checkpointBatchSquared[b].append(batchAt)
            }
        }
        result.nonFiniteRuns = nonFinite
        result.crossedRuns = crossed
        result.semicircle = semicircle
        return result
    }

    /// (1/N) Σᵢ ‖aᵢ − bᵢ‖².
    static func meanSquaredDistance(_ a: [Double], _ b: [Double], particles n: Int) -> Double {
        var s = 0.0
        for k in a.indices { let e = a[k] - b[k]; s += e * e }
        return s / Double(n)
    }
}
