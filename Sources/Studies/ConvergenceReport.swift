import Foundation
import Estimators
import NumericsCore
import ParticleSystems
import Synchronization

/// One (estimator, batch size, τ) row of a convergence study (JSON contract).
public struct ConvergenceLevel: Codable, Sendable {
    public var estimator: String
    /// The estimator's size parameter, e.g. "p (batch size)" or "π (keep probability, in (0, 1])".
    public var sizeName: String
    /// The estimator's size at this level: `batchSize` itself for integer sizes, the cost-matched
    /// keep probability π = (p−1)/(N−1) for Bernoulli.
    public var size: Double
    /// The `--batch-sizes` entry p of this level.
    public var batchSize: Int
    public var dt: Double
    public var trajectories: Int
    /// RMS over particles and trajectories of RBM-EM(τ) − reference at T.
    public var strongError: Estimate
    /// Mean of f(RBM-EM(τ)) − f(reference), paired on the same noise.
    public var weakError: Estimate
    /// RMS of RBM-EM(τ) − full-EM(τ) on the same Brownian increments.
    public var batchError: Estimate
    /// RMS of full-EM(τ) − reference.
    public var timeError: Estimate
    /// Mean of f(RBM-EM(τ)) − E f(X(T)) against the exact expectation, where the problem has one
    /// (unpaired, so its SE is larger than the paired weak error's).
    public var weakErrorVsExact: Estimate?
    /// False when |weak error| < 2·SE: the level carries no information about the weak order.
    public var weakErrorInformative: Bool
    public var flags: [String]
}

/// Which error a convergence fit describes (JSON values are the contract's strings).
public enum ConvergenceFitKind: String, Codable, Sendable, CaseIterable {
    case strong, weak, batch, time
}

/// A fitted order for one error kind and batch size (JSON contract), with its verdict.
public struct ConvergenceFit: Codable, Sendable {
    public var estimator: String
    public var batchSize: Int
    public var kind: ConvergenceFitKind
    public var order: Double
    public var ci95: [Double]
    public var intervalKind: OrderIntervalKind
    public var bootstrapCI95: [Double]?
    public var standardError: Double
    public var localOrders: [Double?]
    public var localOrderStandardErrors: [Double?]
    /// The finest local order with its SE (the asymptotic estimate on a pre-asymptotic grid).
    public var asymptoticOrder: Estimate?
    public var lackOfFitP: Double?
    public var singleOrderAdequate: Bool
    public var theoryOrder: Double?
    /// The reference step h the error model accounts for (0: none).
    public var referenceStep: Double
    public var method: String
    public var verdict: VerdictRecord
    /// Diagnostics of the fit (not warnings).
    public var notes: [String]

    private enum CodingKeys: String, CodingKey {
        case estimator, batchSize, kind, order, ci95, intervalKind, bootstrapCI95, standardError, localOrders,
             localOrderStandardErrors, asymptoticOrder, lackOfFitP, singleOrderAdequate, theoryOrder, referenceStep,
             method, verdict, notes
    }

    /// Every contract field is present; unknown values are JSON null rather than missing keys.
    public func encode(to encoder: Encoder) throws {
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(estimator, forKey: .estimator)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(kind, forKey: .kind)
        try c.encode(finite(order), forKey: .order)
        try c.encode(ci95.map(finite), forKey: .ci95)
        try c.encode(intervalKind, forKey: .intervalKind)
        try c.encode(bootstrapCI95?.map(finite), forKey: .bootstrapCI95)
        try c.encode(finite(standardError), forKey: .standardError)
        try c.encode(localOrders.map { $0.flatMap(finite) }, forKey: .localOrders)
        try c.encode(localOrderStandardErrors.map { $0.flatMap(finite) }, forKey: .localOrderStandardErrors)
        try c.encode(asymptoticOrder, forKey: .asymptoticOrder)
        try c.encode(lackOfFitP, forKey: .lackOfFitP)
        try c.encode(singleOrderAdequate, forKey: .singleOrderAdequate)
        try c.encode(theoryOrder, forKey: .theoryOrder)
        try c.encode(referenceStep, forKey: .referenceStep)
        try c.encode(method, forKey: .method)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(notes, forKey: .notes)
    }
}

/// Measured ratio of batch errors at the finest τ between two batch sizes, against the theory
/// √(g(p₁)/g(p₂)), g(p) = E[1/(s−1)] − 1/(N−1) (= 1/(p−1) − 1/(N−1) when p divides N).
public struct BatchSizeRatio: Codable, Sendable {
    public var batchSizes: [Int]
    public var dt: Double
    public var measured: Estimate
    public var theory: Double
    /// The 95% interval of the measured ratio (t-interval on the log scale).
    public var ci95: [Double]
    /// |log measured − log theory| ≤ t·SE(log measured): the interval covers the theory.
    public var consistent95: Bool
    /// Equivalence verdict: the interval inside theory·[1 − δ, 1 + δ] (δ = ``BatchSizeRatio/tolerance``).
    public var verdict: VerdictRecord

    /// Relative tolerance of the ratio's equivalence verdict.
    public static let tolerance = 0.05
}

/// The level at which the batch error of a biased estimator stops decreasing as τ → 0 (JSON
/// contract: `floors[]`). Fitted as RMS² = floor² + A·τ (``ErrorFloorFit``).
public struct ErrorFloor: Codable, Sendable {
    public var estimator: String
    public var batchSize: Int
    /// The floor F of the RMS batch error (an estimate object; 0 when F² ≤ 0).
    public var floor: Estimate
    public var detected: Bool
    public var fit: ErrorFloorFit
}

/// How the floor scales with the batch size: F ∝ p^exponent (expected ≈ −1 for softmax RBA),
/// fitted by weighted least squares of log F on log p over the detected floors. The local
/// exponents between consecutive batch sizes show where the power law holds: the floor saturates
/// when the bias is large (small p) and approaches 1/p once it is small.
public struct FloorScaling: Codable, Sendable {
    public var estimator: String
    public var exponent: Double
    public var ci95: [Double]
    public var standardError: Double
    public var points: Int
    public var lackOfFitP: Double?
    /// log(F₂/F₁)/log(p₂/p₁) for consecutive batch sizes (increasing p).
    public var localExponents: [Double]
    /// Standard errors of the local exponents (from the joint covariance of the floors).
    public var localExponentStandardErrors: [Double?]
    /// False when the lack of fit rejects one exponent (p < 0.01): the interval then spans the
    /// local exponents' intervals.
    public var singleExponentAdequate: Bool
    /// Against the asymptotic exponent −1 (the self-weight bias of softmax RBA is ≈ 1/p) ± 0.05, by
    /// the rule of ``OrderVerdictRule``: pre-asymptotic when the local exponents approach −1 as p
    /// grows (the floor saturates at small p) but the largest-p one has not reached the band.
    public var verdict: VerdictRecord

    /// The verdict against `theory` ± `tolerance` by the same rule (the stored ``verdict`` is
    /// against −1 ± 0.05).
    public func verdict(theory: Double, tolerance: Double) -> VerdictRecord {
        let finest = localExponents.last.flatMap { q in localExponentStandardErrors.last.flatMap { $0 }.map { Estimate(value: q, standardError: $0, count: trajectories) } }
        return OrderVerdictRule.verdict(order: exponent, ci95: ci95, singleOrderAdequate: singleExponentAdequate, asymptoticOrder: finest,
                                        localOrders: localExponents, trajectories: trajectories, theory: theory, tolerance: tolerance)
    }

    /// Trajectories behind each floor.
    public var trajectories: Int
}

/// The complete, Codable result of a convergence study.
public struct ConvergenceReport: Codable, Sendable {
    public var schema = "rbm-study/convergence/1"
    public var manifest: RunManifest
    public var configuration: ConvergenceConfiguration
    public var problem: ProblemSummary
    public var observable: String
    public var reference: ReferenceSummary
    public var levels: [ConvergenceLevel]
    public var fits: [ConvergenceFit]
    public var batchSizeRatios: [BatchSizeRatio]
    /// Error floors of the batch error, one per batch size, for biased estimators (attention).
    public var floors: [ErrorFloor]
    public var floorScaling: FloorScaling?
    /// The total strong error against the theorem's shape, all batch sizes jointly (nil when the
    /// estimator has no variance factor g(p) or its batch error has a floor).
    public var strongShape: StrongErrorShape?
    /// Every strong, batch and time error along [0, T] at the checkpoints
    /// (``ConvergenceConfiguration/checkpointTimes``), per batch size and τ; empty with one checkpoint.
    public var timeProfiles: [ErrorTimeProfile]
    /// dyson: every run's distance to the semicircle law at the checkpoints (nil for other systems).
    public var semicircle: SemicircleComparison?
    /// One line per claim the run answers (see ``ConvergenceSummary``); the table opens with it.
    public var summary: [String]
    /// Real problems only (non-finite runs, crossed particles): printed once, on stderr.
    public var warnings: [String]
    /// Findings that are not problems (floors detected, fits skipped by design).
    public var notes: [String]

    public struct ProblemSummary: Codable, Sendable {
        public var name: String
        public var particles: Int
        public var dimension: Int
        public var noise: Double
        public var knownFacts: String
        /// The dynamics, e.g. "ẋᵢ = P⊥_{xᵢ}(Σⱼ softmaxⱼ(β⟨Qxᵢ,Kxⱼ⟩)Vxⱼ)".
        public var equation: String
    }

    public struct ReferenceSummary: Codable, Sendable {
        /// "euler-maruyama" at `step` on the shared Brownian path (σ > 0) or "gsl-rk8pd" (σ = 0).
        public var method: String
        public var step: Double?
        /// RMS distance between the reference and full-EM at the finest tested τ.
        public var referenceVsFinest: Estimate
        /// E f(X(T)) in closed form, where the problem has one (linear).
        public var exactExpectation: Double?
        /// The reference's own weak bias against it: mean of f(X^{ref}(T)) − E f(X(T)).
        public var weakBiasVsExact: Estimate?
    }
}

// MARK: - Assembly from per-trajectory samples

extension ConvergenceReport {
    static func assemble(configuration c: ConvergenceConfiguration, model: ConvergenceModel,
                         trajectories: [TrajectoryErrors], wallSeconds: Double) throws -> ConvergenceReport {
        let m = trajectories.count
        let levels = c.timeSteps
        func rms(_ samples: [Double]) -> Estimate { rootMeanSquare(samples) }

        var rows: [ConvergenceLevel] = []
        var fits: [ConvergenceFit] = []
        var fitJobs: [FitJob] = []
        var warnings: [String] = []
        var notes: [String] = []
        let nonFinite = trajectories.reduce(0) { $0 + $1.nonFiniteRuns }
        if nonFinite > 0 {
            warnings.append("\(nonFinite) runs became non-finite (overflow or particle collision); their errors are NaN and propagate into the affected levels")
        }

        let crossed = trajectories.reduce(0) { $0 + $1.crossedRuns }
        if crossed > 0 {
            let runs = m * (1 + levels.count * (1 + c.batchSizes.count))
            warnings.append("particles crossed in \(crossed) of \(runs) runs: the singular kernel of \(model.name) needs a smaller time step (a batch of two repels with force ~1/gap); errors of those runs do not describe the intended dynamics")
        }
        // σ > 0: the reference is Euler–Maruyama at h on the same path, so the time error behaves
        // like C(τ − h) and the weak error carries the reference's own weak bias.
        let referenceStep = model.noise > 0 ? c.referenceStep : 0
        let deterministic = model.noise == 0
        let timeErrors = levels.indices.map { k in rms(trajectories.map { $0.timeSquared[k] }) }
        let estimator = model.estimatorName
        let sizeParameter = c.estimatorSizeParameter(particles: model.particles)
        var floors: [ErrorFloor] = []
        for (b, p) in c.batchSizes.enumerated() {
            for (k, dt) in levels.enumerated() {
                let weak = RunningMoments(trajectories.map { $0.weak[b][k] }).meanEstimate
                let informative = abs(weak.value) >= OrderFit.Settings().informativeSignalToNoise * weak.standardError
                rows.append(ConvergenceLevel(
                    estimator: estimator, sizeName: sizeParameter.name, size: sizeParameter.size(p), batchSize: p, dt: dt, trajectories: m,
                    strongError: rms(trajectories.map { $0.strongSquared[b][k] }),
                    weakError: weak,
                    batchError: rms(trajectories.map { $0.batchSquared[b][k] }),
                    timeError: timeErrors[k],
                    weakErrorVsExact: model.exactExpectation.map { exact in
                        RunningMoments(trajectories.map { $0.weak[b][k] + $0.referenceObservable - exact }).meanEstimate
                    },
                    weakErrorInformative: informative,
                    flags: informative ? [] : ["weak error within 2 SE of zero: no information on the weak order"]))
            }
            let kinds: [(ConvergenceFitKind, ErrorMeasure, Double, (TrajectoryErrors) -> [Double])] = [
                (.strong, .rootMeanSquare, 0.5, { $0.strongSquared[b] }),
                (.batch, .rootMeanSquare, 0.5, { $0.batchSquared[b] }),
                (.weak, .signedMean, 1.0, { $0.weak[b] }),
            ]
            var floorDetected = false
            if model.system == .attention || model.expectsFloor {
                do {
                    let fit = try ErrorFloorFit(timeSteps: levels, samples: trajectories.map { $0.batchSquared[b] })
                    floors.append(ErrorFloor(estimator: estimator, batchSize: p, floor: fit.floor, detected: fit.detected, fit: fit))
                    floorDetected = fit.detected
                    if fit.detected {
                        notes.append("\(estimator), p = \(p): the batch error levels off at a floor \(pm(fit.floor)) as τ → 0 (RMS² = F² + Aτ, F² > 4 SE and ≥ ¼ of the finest mean square); no order is fitted through the floor (strong, batch and weak fits omitted)")
                    }
                } catch {
                    warnings.append("\(estimator), p = \(p): no error floor fitted: \(error)")
                }
            }
            for (index, (kind, measure, theory, samples)) in kinds.enumerated() {
                if floorDetected { continue }
                if kind == .batch, let g = model.varianceFactor(p), g <= 0 {
                    notes.append("batch fit, p = \(p): with p ≥ N − 1 every particle's batch is the whole system (g = 0), so RBM equals the exact sum up to summation order; its batch error is round-off only and no order is fitted")
                    continue
                }
                let unbiasedLaw = model.varianceFactor(p) != nil || !model.expectsFloor
                fitJobs.append(FitJob(kind: kind, estimator: estimator, batchSize: p, measure: measure,
                                      theory: model.theoremCaveat == nil && (unbiasedLaw || kind == .weak) ? theory : nil,
                                      samples: trajectories.map(samples), referenceStep: kind == .weak ? referenceStep : 0,
                                      streamIndex: c.batchSizeRanks[b] * 8 + index, caveat: model.theoremCaveat))
            }
        }
        fitJobs.append(FitJob(kind: .time, estimator: "exact", batchSize: model.particles, measure: .rootMeanSquare,
                              theory: model.timeTheoremCaveat == nil ? 1.0 : nil, samples: trajectories.map { $0.timeSquared },
                              referenceStep: referenceStep, streamIndex: 1 << 20, caveat: model.timeTheoremCaveat))
        fits = fitAll(fitJobs, timeSteps: levels, deterministic: deterministic, replicates: c.bootstrapReplicates,
                      seed: c.seed, threads: c.threads)
        if let caveat = model.timeTheoremCaveat { notes.append("No theorem for the time order: \(caveat).") }

        var strongShape: StrongErrorShape?
        let factors = c.batchSizes.compactMap { model.varianceFactor($0) }
        if let caveat = model.theoremCaveat { notes.append("No theorem for the RBM orders: \(caveat).") }
        if model.theoremCaveat == nil, factors.count == c.batchSizes.count, factors.allSatisfy({ $0 > 0 }), !floors.contains(where: \.detected) {
            strongShape = StrongErrorShape.fit(estimator: estimator, batchSizes: c.batchSizes, factors: factors, timeSteps: levels,
                                               referenceStep: referenceStep, samples: trajectories.map(\.strongSquared))
        }
        // Power-law orders read through the models the theory states: the strong error through the
        // theorem's shape, the weak error through its expansion in τ (``ImpliedOrder``).
        for i in fits.indices {
            let tolerance = OrderVerdictRule.defaultTolerance
            if fits[i].kind == .strong, let shape = strongShape, let g = model.varianceFactor(fits[i].batchSize) {
                fits[i].verdict = shape.strongOrderVerdict(for: fits[i], factor: g, timeSteps: levels, tolerance: tolerance)
            }
            if fits[i].kind == .weak, let b = c.batchSizes.firstIndex(of: fits[i].batchSize),
               let expansion = WeakErrorExpansion.fit(timeSteps: levels, referenceStep: referenceStep, samples: trajectories.map { $0.weak[b] }) {
                if let theory = fits[i].theoryOrder {
                    fits[i].verdict = expansion.weakOrderVerdict(fits[i].verdict, theory: theory, singleOrderAdequate: fits[i].singleOrderAdequate,
                                                                 timeSteps: levels, tolerance: tolerance)
                }
            }
        }
        if model.comparesWithSemicircle {
            // No theorem gives these orders for the singular kernel: measured, never judged.
            for i in fits.indices {
                fits[i].theoryOrder = nil
                fits[i].verdict = VerdictRecord(verdict: .notAssessed, rule: Self.dysonOrderReason(fits[i].kind), errorRate: "—", trajectoriesToDecide: nil)
            }
            notes.append("dyson: every run uses the implicit split step (DysonSplitStepIntegrator): interacting particles never cross; RBM runs re-sort labels after each step (particles of different batches may pass each other), so strong and batch errors are W₂ distances between empirical measures")
        }
        let timeProfiles = errorTimeProfiles(configuration: c, estimator: estimator, particles: model.particles, trajectories: trajectories)
        let finest = levels.indices.min { levels[$0] < levels[$1] }!
        let ratios = model.theoremCaveat == nil ? batchSizeRatios(configuration: c, model: model, trajectories: trajectories, level: finest) : []
        let scaling = floorScaling(floors.filter(\.detected), estimator: estimator,
                                   samples: { p in trajectories.map { $0.batchSquared[c.batchSizes.firstIndex(of: p)!] } })
        if floors.contains(where: \.detected) && scaling == nil {
            notes.append("floor scaling in p needs at least two batch sizes with a detected floor")
        }
        let reference = ReferenceSummary(method: model.noise > 0 ? model.integrator.name : "gsl-rk8pd",
                                         step: model.noise > 0 ? c.referenceStep : nil,
                                         referenceVsFinest: timeErrors[finest], exactExpectation: model.exactExpectation,
                                         weakBiasVsExact: model.exactExpectation.map { exact in
                                             RunningMoments(trajectories.map { $0.referenceObservable - exact }).meanEstimate
                                         })
        return ConvergenceReport(
            manifest: RunManifest(seed: c.seed, command: "", threads: c.threads, wallSeconds: wallSeconds),
            configuration: c,
            problem: ProblemSummary(name: model.name, particles: model.particles, dimension: model.dimension,
                                    noise: model.noise, knownFacts: model.knownFacts, equation: model.equation),
            observable: model.observableDescription, reference: reference,
            levels: rows, fits: fits, batchSizeRatios: ratios, floors: floors, floorScaling: scaling,
            strongShape: strongShape, timeProfiles: timeProfiles,
            semicircle: model.comparesWithSemicircle
                ? SemicircleComparison.assemble(configuration: c, particles: model.particles, estimator: estimator, trajectories: trajectories) : nil,
            summary: [], warnings: warnings, notes: notes).withSummary()
    }

    /// Why an order of a dyson run gets no verdict.
    static func dysonOrderReason(_ kind: ConvergenceFitKind) -> String {
        switch kind {
        case .strong, .batch:
            return "not assessed: the RBM strong-error theorem (order ½) needs a bounded Lipschitz kernel; Dyson's 1/x is singular, and with re-sorted labels these errors are W₂ distances between empirical measures, for which no order is proven"
        case .weak:
            return "not assessed: no weak order is proven for the implicit split step or for RBM with the singular kernel"
        case .time:
            return "not assessed: no strong order is proven for the implicit split step with the singular repulsion"
        }
    }

    /// The strong and batch errors of every batch size, and the time error, along [0, T] at every τ
    /// (none when the only checkpoint is T).
    static func errorTimeProfiles(configuration c: ConvergenceConfiguration, estimator: String, particles: Int,
                                  trajectories: [TrajectoryErrors]) -> [ErrorTimeProfile] {
        let times = c.checkpointTimes
        guard times.count > 1 else { return [] }
        var profiles: [ErrorTimeProfile] = []
        for (k, dt) in c.timeSteps.enumerated() {
            for (b, p) in c.batchSizes.enumerated() {
                profiles.append(.build(estimator: estimator, batchSize: p, kind: .strong, dt: dt, times: times,
                                       samples: trajectories.map { $0.checkpointStrongSquared[b][k] }))
                profiles.append(.build(estimator: estimator, batchSize: p, kind: .batch, dt: dt, times: times,
                                       samples: trajectories.map { $0.checkpointBatchSquared[b][k] }))
            }
            profiles.append(.build(estimator: "exact", batchSize: particles, kind: .time, dt: dt, times: times,
                                   samples: trajectories.map { $0.checkpointTimeSquared[k] }))
        }
        return profiles
    }

    /// log F = a + e·log p by least squares over the detected floors, with the sandwich variance
    /// from the joint covariance of the floors (``SharedSampleExponentFit``): every F²_p is the
    /// mean over trajectories of a linear function of that trajectory's mean squares
    /// (`ErrorFloorFit.floorInfluence`), so their covariance across batch sizes, which share
    /// trajectories, is estimated directly. (The weighted fit that treated the floors as
    /// independent gave an SE 7× the spread across seeds.)
    static func floorScaling(_ floors: [ErrorFloor], estimator: String, samples: (Int) -> [[Double]]) -> FloorScaling? {
        let usable = floors.filter { $0.floor.value > 0 && $0.floor.standardError > 0 }.sorted { $0.batchSize < $1.batchSize }
        guard usable.count >= 2, Set(usable.map(\.batchSize)).count == usable.count else { return nil }
        // Per trajectory and floor: the trajectory's contribution to F²_p.
        let contributions = usable.map { f in
            samples(f.batchSize).map { row in zip(f.fit.floorInfluence, row).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        guard let fit = SharedSampleExponentFit(x: usable.map { Double($0.batchSize) }, contributions: contributions) else { return nil }
        // As for orders: when one exponent does not describe the batch sizes, the interval spans
        // the local exponents' intervals and the verdict reads the largest-p local exponent.
        let verdict = OrderVerdictRule.verdict(order: fit.exponent, ci95: fit.ci95, singleOrderAdequate: fit.singleExponentAdequate,
                                               asymptoticOrder: fit.lastLocalExponent, localOrders: fit.localExponents,
                                               trajectories: fit.trajectories, theory: -1, tolerance: 0.05)
        return FloorScaling(estimator: estimator, exponent: fit.exponent, ci95: fit.ci95,
                            standardError: fit.standardError, points: usable.count, lackOfFitP: fit.lackOfFitP,
                            localExponents: fit.localExponents, localExponentStandardErrors: fit.localExponentStandardErrors,
                            singleExponentAdequate: fit.singleExponentAdequate, verdict: verdict, trajectories: fit.trajectories)
    }

    /// One order fit of the report: its samples, the theory it is read against, and the index of its
    /// own keyed bootstrap stream, so the fits are independent of one another and of their order.
    struct FitJob: Sendable {
        var kind: ConvergenceFitKind
        var estimator: String
        var batchSize: Int
        var measure: ErrorMeasure
        var theory: Double?
        var samples: [[Double]]
        var referenceStep: Double
        var streamIndex: Int
        /// Why no theorem applies, if none does: the fit is then reported as not assessed.
        var caveat: String?
    }

    /// The fits of `jobs`, in order, computed `threads` at a time (each bootstrap draws from its own
    /// stream keyed by `seed` and the job's index, so the results do not depend on `threads`).
    static func fitAll(_ jobs: [FitJob], timeSteps: [Double], deterministic: Bool, replicates: Int, seed: UInt64,
                       threads: Int) -> [ConvergenceFit] {
        let results = Mutex([ConvergenceFit?](repeating: nil, count: jobs.count))
        parallelForEach(jobs.count, threads: threads) { i in
            let job = jobs[i]
            var result = fit(kind: job.kind, estimator: job.estimator, batchSize: job.batchSize, measure: job.measure,
                             theory: job.theory, timeSteps: timeSteps, samples: job.samples, referenceStep: job.referenceStep,
                             deterministic: deterministic, replicates: replicates,
                             stream: RandomStream(seed: seed, trajectory: 0, purpose: .bootstrap, index: UInt32(job.streamIndex)))
            if let caveat = job.caveat {
                result.verdict = VerdictRecord(verdict: .notAssessed, rule: "no theorem: \(caveat)", errorRate: "—",
                                               trajectoriesToDecide: nil)
            }
            results.withLock { $0[i] = result }
        }
        return results.withLock { $0.compactMap { $0 } }
    }

    static func fit(kind: ConvergenceFitKind, estimator: String, batchSize: Int, measure: ErrorMeasure, theory: Double?,
                    timeSteps: [Double], samples: [[Double]], referenceStep: Double, deterministic: Bool,
                    replicates: Int, stream: RandomStream) -> ConvergenceFit {
        let result: OrderFitResult
        do {
            result = try OrderFit.fit(OrderFitInput(timeSteps: timeSteps, samples: samples, measure: measure, theoryOrder: theory,
                                                    referenceStep: referenceStep, deterministic: deterministic),
                                      bootstrapReplicates: replicates, stream: stream)
        } catch {
            // Non-finite runs or all-zero errors: report that no order could be fitted.
            return ConvergenceFit(estimator: estimator, batchSize: batchSize, kind: kind, order: .nan, ci95: [.nan, .nan],
                                  intervalKind: .deltaMethod, bootstrapCI95: nil, standardError: .nan, localOrders: [],
                                  localOrderStandardErrors: [], asymptoticOrder: nil, lackOfFitP: nil, singleOrderAdequate: false,
                                  theoryOrder: theory, referenceStep: referenceStep, method: "none",
                                  verdict: VerdictRecord(verdict: .notAssessed, rule: "no order fitted: \(error)", errorRate: "—", trajectoriesToDecide: nil),
                                  notes: ["no order fitted: \(error)"])
        }
        return ConvergenceFit(estimator: estimator, batchSize: batchSize, kind: kind, order: result.order,
                              ci95: result.ci95, intervalKind: result.intervalKind, bootstrapCI95: result.bootstrapCI95,
                              standardError: result.standardError, localOrders: result.localOrders,
                              localOrderStandardErrors: result.localOrderStandardErrors, asymptoticOrder: result.asymptoticOrder,
                              lackOfFitP: result.lackOfFitP, singleOrderAdequate: result.singleOrderAdequate,
                              theoryOrder: result.theoryOrder, referenceStep: result.referenceStep, method: result.method,
                              verdict: OrderVerdictRule.verdict(for: result, theory: theory), notes: result.notes)
    }

    /// Ratios of batch errors between consecutive batch sizes at one level, with the delta-method
    /// SE of log(e₁/e₂) = ½(log S₁ − log S₂) using the covariance of S₁, S₂ over trajectories.
    static func batchSizeRatios(configuration c: ConvergenceConfiguration, model: ConvergenceModel,
                                trajectories: [TrajectoryErrors], level k: Int) -> [BatchSizeRatio] {
        let sizes = c.batchSizes.enumerated().sorted { $0.element < $1.element }
            .filter { (model.varianceFactor($0.element) ?? 0) > 0 }
        guard sizes.count >= 2 else { return [] }
        let m = Double(trajectories.count)
        return zip(sizes, sizes.dropFirst()).map { first, second in
            let s1 = trajectories.map { $0.batchSquared[first.offset][k] }
            let s2 = trajectories.map { $0.batchSquared[second.offset][k] }
            let mean1 = s1.reduce(0, +) / m, mean2 = s2.reduce(0, +) / m
            var v1 = 0.0, v2 = 0.0, cov = 0.0
            for t in s1.indices {
                v1 += (s1[t] - mean1) * (s1[t] - mean1)
                v2 += (s2[t] - mean2) * (s2[t] - mean2)
                cov += (s1[t] - mean1) * (s2[t] - mean2)
            }
            v1 /= m - 1; v2 /= m - 1; cov /= m - 1
            let ratio = (mean1 / mean2).squareRoot()
            let varLog = 0.25 * (v1 / (mean1 * mean1) + v2 / (mean2 * mean2) - 2 * cov / (mean1 * mean2)) / m
            let seLog = max(0, varLog).squareRoot()
            let g1 = model.varianceFactor(first.element)!, g2 = model.varianceFactor(second.element)!
            let theory = (g1 / g2).squareRoot()
            let t = Distributions.studentT95(degreesOfFreedom: m - 1)
            let low = ratio * exp(-t * seLog), high = ratio * exp(t * seLog)
            let verdict = OrderVerdictRule.test(
                centre: ratio / theory, lower: low / theory, upper: high / theory,
                band: (1 - BatchSizeRatio.tolerance, 1 + BatchSizeRatio.tolerance), trajectories: trajectories.count,
                subject: "measured/theory 95% CI \(interval([low / theory, high / theory]))",
                bandText: "1 ± \(format(BatchSizeRatio.tolerance))", approaching: nil)
            return BatchSizeRatio(batchSizes: [first.element, second.element], dt: c.timeSteps[k],
                                  measured: Estimate(value: ratio, standardError: ratio * seLog, count: trajectories.count),
                                  theory: theory, ci95: [low, high], consistent95: abs(log(ratio) - log(theory)) <= t * seLog,
                                  verdict: verdict)
        }
    }
}

/// RMS error √(mean S) from per-trajectory mean squares S, with its delta-method SE.
public func rootMeanSquare(_ meanSquares: [Double]) -> Estimate {
    Estimate.rootMeanSquare(ofMeanSquare: RunningMoments(meanSquares).meanEstimate)
}
