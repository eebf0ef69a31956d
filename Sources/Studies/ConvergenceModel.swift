import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import ParticleSystems

/// What a convergence study integrates, whatever the system: the exact drift (reference and
/// full-EM), the approximate drift at each size (RBM, RBA, …), the initial state of each
/// trajectory and the weak-error observable.
///
/// The built-in systems come from ``ConvergenceConfiguration/model()``; a model of your own
/// comes from ``init(problem:estimatorName:estimator:observable:exactExpectation:varianceFactor:)``
/// and runs with ``ConvergenceStudy/run(_:model:progress:)``.
public struct ConvergenceModel: Sendable {
    /// The built-in system, or nil for a user-defined model.
    public let system: ConvergenceSystem?
    public let name: String
    public let particles: Int
    public let dimension: Int
    public let noise: Double
    public let knownFacts: String
    public let estimatorName: String
    let exactDrift: any Drift
    let approximateDrift: @Sendable (Int) -> any Drift
    let initialState: @Sendable (_ seed: UInt64, _ trajectory: Int) throws -> [Double]
    let observable: @Sendable ([Double]) -> Double
    public let observableDescription: String
    /// E f(X(T)) of the exact system in closed form, where the problem has one (linear).
    public let exactExpectation: Double?
    /// The RBM variance factor g(p) when the estimator is unbiased with the RBM lemma (batch
    /// error ∝ √(τ·g)); nil when no such law applies (a biased estimator such as softmax RBA).
    let varianceFactor: @Sendable (Int) -> Double?
    /// The estimator is biased, so the batch error is expected to level off at a floor.
    public let expectsFloor: Bool
    /// One-line description of the dynamics for reports.
    public let equation: String
    /// The one-step method of every run (reference, full system, approximation): Euler–Maruyama,
    /// or for dyson the split step that keeps interacting particles ordered.
    let integrator: any Integrator
    /// dyson: the empirical measures are also compared with the semicircle law of the mean-field
    /// limit (W₁ and Kolmogorov distances, ``SemicircleDistances``).
    public var comparesWithSemicircle: Bool { system == .dyson }

    init(system: ConvergenceSystem?, name: String, particles: Int, dimension: Int, noise: Double, knownFacts: String,
         estimatorName: String, exactDrift: any Drift, approximateDrift: @escaping @Sendable (Int) -> any Drift,
         initialState: @escaping @Sendable (UInt64, Int) throws -> [Double], observable: @escaping @Sendable ([Double]) -> Double,
         observableDescription: String, exactExpectation: Double?, varianceFactor: @escaping @Sendable (Int) -> Double?,
         expectsFloor: Bool, equation: String, integrator: any Integrator = EulerMaruyamaIntegrator()) {
        self.system = system
        self.name = name
        self.particles = particles
        self.dimension = dimension
        self.noise = noise
        self.knownFacts = knownFacts
        self.estimatorName = estimatorName
        self.exactDrift = exactDrift
        self.approximateDrift = approximateDrift
        self.initialState = initialState
        self.observable = observable
        self.observableDescription = observableDescription
        self.exactExpectation = exactExpectation
        self.varianceFactor = varianceFactor
        self.expectsFloor = expectsFloor
        self.equation = equation
        self.integrator = integrator
    }

    /// A model of your own particle problem
    ///
    ///     dXᵢ = −∇V(Xᵢ) dt + (1/(N−1)) Σ_{j≠i} K(Xᵢ − Xⱼ) dt + σ dBᵢ,
    ///
    /// (`problem` carries V, K, σ, N, d and the initial distribution) with the approximate
    /// interaction sum `estimator(p)` at each batch size p of the study (for example
    /// `RandomBatchInteractionSum(batchSize: p)`) and the weak-error observable.
    ///
    /// - Parameters:
    ///   - exactExpectation: E f(X(T)) of the exact system at the study's horizon, when known in
    ///     closed form (the weak error is then also reported against it).
    ///   - varianceFactor: g(p) of the estimator's variance law Var = g·Λ (the RBM lemma), when
    ///     it has one; nil switches off the batch-size-ratio and strong-shape checks. The default
    ///     is the RBM factor for `RandomBatchInteractionSum` estimators and nil otherwise.
    /// - Throws: ``InvalidInput`` naming `problem` when N < 2, d < 1 or σ is not a finite
    ///   number ≥ 0.
    public init(problem: ParticleProblem, estimatorName: String,
                estimator: @escaping @Sendable (_ batchSize: Int) -> any InteractionSumEstimator,
                observable: WeakObservable = .secondMoment, exactExpectation: Double? = nil,
                varianceFactor: (@Sendable (_ batchSize: Int) -> Double?)? = nil) throws {
        try problem.validate()
        let n = problem.particles, d = problem.dimension
        let factor: @Sendable (Int) -> Double? = varianceFactor ?? { p in
            estimator(p) is RandomBatchInteractionSum ? RandomBatchInteractionSum(batchSize: p).varianceFactor(particles: n) : nil
        }
        self.init(
            system: nil, name: problem.name, particles: n, dimension: d, noise: problem.noise, knownFacts: problem.knownFacts,
            estimatorName: estimatorName,
            exactDrift: ParticleDrift(problem: problem, estimator: ExactInteractionSum()),
            approximateDrift: { p in ParticleDrift(problem: problem, estimator: estimator(p)) },
            initialState: { seed, trajectory in
                var x = [Double](repeating: 0, count: n * d)
                problem.initialCondition.fill(&x, particles: n, dimension: d,
                                              stream: RandomStream(seed: seed, trajectory: UInt64(trajectory), purpose: .initialCondition))
                return x
            },
            observable: { x in observable.evaluate(x, n, d) },
            observableDescription: observable.description, exactExpectation: exactExpectation,
            varianceFactor: factor, expectsFloor: !estimator(2).isUnbiased,
            equation: "dXᵢ = −∇V(Xᵢ)dt + (1/(N−1)) Σ_{j≠i} K(Xᵢ−Xⱼ)dt + σdBᵢ")
    }
}

extension ConvergenceConfiguration {
    /// The estimator size for batch size p: p itself for integer sizes (batch size, samples,
    /// hashes, features); for a keep probability π the cost-matched π = (p−1)/(N−1), so that the
    /// expected number of partners equals a batch's.
    static func size<E>(for p: Int, entry: EstimatorEntry<E>, count n: Int) -> Double {
        entry.integerSize ? Double(p) : Double(p - 1) / Double(n - 1)
    }

    /// The size parameter of the estimator in use: its name ("p (batch size)", "π (keep
    /// probability, in (0, 1])", "m (hashes)", …) and the size at each batch size p for N = `n`.
    public func estimatorSizeParameter(particles n: Int) -> (name: String, size: @Sendable (Int) -> Double) {
        let name = estimator ?? (system == .attention ? "rba" : "random-batch")
        if system == .attention, let entry = try? AttentionEstimatorCatalog.entry(named: name, option: "--estimator") {
            return (entry.sizeName, { p in Self.size(for: p, entry: entry, count: n) })
        }
        if system != .attention, let entry = try? InteractionSumEstimatorCatalog.entry(named: name, option: "--estimator") {
            return (entry.sizeName, { p in Self.size(for: p, entry: entry, count: n) })
        }
        return ("p (batch size)", { Double($0) })
    }

    /// The model this configuration describes (throws ``InvalidInput`` for unusable files/options).
    func model() throws -> ConvergenceModel {
        switch system {
        case .attention: return try attentionModel()
        case .smooth, .linear, .dyson: return try particleModel(system.referenceProblem!)
        }
    }

    private func particleModel(_ reference: ReferenceProblem) throws -> ConvergenceModel {
        let problem = reference.make(particles: particles, dimension: reference.dimension(requested: dimension), noise: noise)
        let name = estimator ?? "random-batch"
        let entry = try InteractionSumEstimatorCatalog.entry(named: name, option: "--estimator")
        let n = problem.particles, d = problem.dimension
        for p in batchSizes { try entry.validate(size: Self.size(for: p, entry: entry, count: n), count: n, option: "--batch-sizes") }
        let dyson = reference == .dyson
        if dyson {
            try require(name == "random-batch", "--estimator",
                        "dyson runs the exact system and random-batch only (its implicit split step solves each batch's repulsion on the ordered cone); got \(name)")
        }
        return ConvergenceModel(
            system: system, name: problem.name, particles: n, dimension: d, noise: problem.noise, knownFacts: problem.knownFacts,
            estimatorName: name,
            exactDrift: ParticleDrift(problem: problem, estimator: ExactInteractionSum()),
            approximateDrift: { p in ParticleDrift(problem: problem, estimator: entry.make(Self.size(for: p, entry: entry, count: n))) },
            initialState: { seed, trajectory in
                var x = [Double](repeating: 0, count: n * d)
                problem.initialCondition.fill(&x, particles: n, dimension: d,
                                              stream: RandomStream(seed: seed, trajectory: UInt64(trajectory), purpose: .initialCondition))
                return x
            },
            observable: { x in ConvergenceStudy.secondMoment(x, particles: n) },
            observableDescription: WeakObservable.secondMoment.description,
            exactExpectation: reference.exactSecondMoment(time: horizon, particles: n, dimension: d, noise: noise),
            // dyson: the RBM lemma's variance law needs a bounded kernel, so no g(p) checks.
            varianceFactor: { p in name == "random-batch" && !dyson ? RandomBatchInteractionSum(batchSize: p).varianceFactor(particles: n) : nil },
            expectsFloor: !entry.make(Self.size(for: batchSizes[0], entry: entry, count: n)).isUnbiased,
            equation: dyson ? "dλⱼ = −λⱼdt + (1/N) Σ_{k≠j} dt/(λⱼ−λₖ) + √(2/(βN))dBⱼ, β = 2"
                : "dXᵢ = −∇V(Xᵢ)dt + (1/(N−1)) Σ_{j≠i} K(Xᵢ−Xⱼ)dt + σdBᵢ",
            integrator: dyson ? DysonSplitStepIntegrator() : EulerMaruyamaIntegrator())
    }

    private func attentionModel() throws -> ConvergenceModel {
        var setup = attention
        setup.tokens = particles
        setup.dimension = dimension
        try setup.validate()
        let tokens = setup
        // A token file gives the same tokens to every trajectory: read and check it once.
        let fileTokens = setup.tokensFile == nil ? nil : try setup.initialTokens(seed: seed, index: 0).elements
        let dynamics = try setup.dynamics(seed: seed)
        let name = estimator ?? "rba"
        let entry = try AttentionEstimatorCatalog.entry(named: name, option: "--estimator")
        if let problem = AttentionEstimatorCatalog.tokenCountProblem(estimator: name, tokens: dynamics.tokens) {
            throw InvalidInput(option: setup.tokensFile == nil ? "--particles" : "--tokens-file", problem)
        }
        let n = dynamics.tokens, d = dynamics.dimension, normalization = setup.normalization
        for p in batchSizes { try entry.validate(size: Self.size(for: p, entry: entry, count: n), count: n, option: "--batch-sizes") }
        let unbiased = entry.make(Self.size(for: batchSizes[0], entry: entry, count: n)).isUnbiased(for: normalization)
        let isRandomBatch = name == "rba" || name == "rba-corrected"
        let sa = "Σⱼ softmaxⱼ(β⟨Qxᵢ,Kxⱼ⟩)Vxⱼ", usa = "(1/N) Σⱼ e^{β⟨Qxᵢ,Kxⱼ⟩}Vxⱼ"
        let field = normalization == .softmax ? sa : usa
        return ConvergenceModel(
            system: .attention, name: "attention-\(normalization.rawValue)-\(setup.geometry.rawValue)", particles: n, dimension: d, noise: 0,
            knownFacts: "Self-attention as a particle system (β = \(setup.beta), maps \(setup.maps), tokens \(setup.tokensFile ?? setup.tokenDistribution)). "
                + (normalization == .softmax
                   ? "Softmax RBA is biased (self-weight inflation, ≈ 1/p): as τ → 0 at fixed p it follows the partition-averaged dynamics, so its error against exact attention levels off at a floor."
                   : "On the mean-field form RBA is exactly RBM (unbiased), so the batch error should behave like √(τ·g)."),
            estimatorName: name,
            exactDrift: AttentionDrift(dynamics: dynamics, estimator: ExactAttention()),
            approximateDrift: { p in AttentionDrift(dynamics: dynamics, estimator: entry.make(Self.size(for: p, entry: entry, count: n))) },
            initialState: { seed, trajectory in try fileTokens ?? tokens.initialTokens(seed: seed, index: trajectory).elements },
            observable: { x in AttentionObservables.meanTokenNormSquared(x, tokens: n, dimension: d) },
            observableDescription: "f(X) = ‖(1/N) Σᵢ xᵢ(T)‖² (squared norm of the mean token; 1 when all unit tokens coincide)",
            exactExpectation: nil,
            varianceFactor: { p in unbiased && isRandomBatch ? BatchPartition(particles: n, batchSize: p).varianceFactor : nil },
            expectsFloor: !unbiased,
            equation: "ẋᵢ = \(setup.geometry == .sphere ? "P⊥_{xᵢ}" : "")(\(field))")
    }
}
