import Estimators
import Foundation
import ParticleSystems
import Studies

/// Every theorem and closed form the toolkit implements, as a claim with a fast default
/// configuration (`rbm-study check --list`). `expected` overrides the claimed value of claims
/// that state one (an order, an exponent, a variance scale); the others are structural.
public enum CatalogueClaim: String, CaseIterable, Codable, Sendable {
    case rbmConsistencyLemma = "rbm-consistency-lemma"
    case rbmBatchOrder = "rbm-batch-order"
    case rbmBatchSizeRatio = "rbm-batch-size-ratio"
    case rbmParticleIndependence = "rbm-n-independence"
    case rbmUniformInTime = "rbm-uniform-in-time"
    case eulerMaruyamaTimeOrder = "euler-maruyama-time-order"
    case rbmWeakOrderLinear = "rbm-weak-order-linear"
    case rbaMeanFieldUnbiased = "rba-mean-field-unbiased"
    case rbaMeanFieldBatchOrder = "rba-mean-field-batch-order"
    case rbaSoftmaxFloorScaling = "rba-softmax-floor-scaling"
    case bernoulliVarianceLaw = "bernoulli-variance-law"
    case yosoVarianceLaw = "yoso-variance-law"
    case importanceColumnsVarianceLaw = "importance-columns-variance-law"
    case performerMeanSquaredErrorLaw = "performer-mse-law"
    case yosoCollisionProbability = "yoso-collision-probability"
    case nystromSchurComplement = "nystrom-schur-complement-psd"
    case newtonSchulzSquaring = "newton-schulz-residual-squaring"
    case nystromformerCubicRate = "nystromformer-cubic-rate"
    case paramixerMixing = "paramixer-full-mixing-and-rank"
    case attentionEnergyMonotone = "attention-energy-monotone"
    case antipodalStationarity = "antipodal-pair-stationary"
    case largeDimensionCurve = "large-dimension-curve"
    case linearStationaryVariance = "linear-stationary-variance"
    case rbmReplacementWeakOrder = "rbm-r-weak-order"
    case rbmLongTimeSampling = "rbm-long-time-sampling"
    case dysonSemicircleW1 = "dyson-semicircle-w1"
    case thomsonMinimalEnergy = "thomson-minimal-energy"
    case opinionConsistencyLemma = "opinion-rbm-consistency"
    case opinionSeparatedGroups = "opinion-separated-groups"

    /// The value a claim states, which `expected` replaces; nil for structural claims.
    public var claimedValue: Double? {
        switch self {
        case .rbmConsistencyLemma, .rbaMeanFieldUnbiased, .bernoulliVarianceLaw, .yosoVarianceLaw, .importanceColumnsVarianceLaw,
             .performerMeanSquaredErrorLaw, .rbmBatchSizeRatio, .yosoCollisionProbability: return 1
        case .rbmBatchOrder, .rbaMeanFieldBatchOrder: return 0.5
        case .rbmParticleIndependence, .rbmUniformInTime: return 0
        case .eulerMaruyamaTimeOrder, .rbmWeakOrderLinear, .rbmReplacementWeakOrder: return 1
        case .rbmLongTimeSampling: return 0.5
        case .rbaSoftmaxFloorScaling, .dysonSemicircleW1: return -1
        case .newtonSchulzSquaring: return 2
        case .nystromformerCubicRate: return 3
        case .nystromSchurComplement, .paramixerMixing, .attentionEnergyMonotone, .antipodalStationarity, .largeDimensionCurve,
             .linearStationaryVariance: return nil
        case .thomsonMinimalEnergy: return nil
        case .opinionConsistencyLemma: return 1
        case .opinionSeparatedGroups: return nil
        }
    }

    /// What `expected` means for this claim.
    public var claimedQuantity: String? {
        switch self {
        case .rbmConsistencyLemma, .rbaMeanFieldUnbiased, .bernoulliVarianceLaw, .yosoVarianceLaw, .importanceColumnsVarianceLaw:
            return "multiple of the closed-form variance"
        case .performerMeanSquaredErrorLaw: return "multiple of the closed-form mean squared error"
        case .opinionConsistencyLemma: return "multiple of the closed-form variance"
        case .rbmBatchSizeRatio: return "multiple of the theory ratio √(g(p₁)/g(p₂))"
        case .yosoCollisionProbability: return "multiple of τ in the exponent of (1 − θ/π)^τ"
        case .rbmBatchOrder, .rbaMeanFieldBatchOrder, .eulerMaruyamaTimeOrder, .rbmWeakOrderLinear, .rbmReplacementWeakOrder: return "order in τ"
        case .rbmLongTimeSampling: return "order in τ that the exact sampling error must reach (one-sided: at least this − 0.1)"
        case .rbaSoftmaxFloorScaling: return "exponent of p"
        case .rbmParticleIndependence: return "exponent of N in the batch error"
        case .rbmUniformInTime: return "exponent of t in the batch error over [T/2, T] (one-sided: the claim is that the exponent is at most this + 0.1)"
        case .newtonSchulzSquaring: return "exponent q in ‖E_{k+1}‖ = ‖E_k‖^q"
        case .nystromformerCubicRate: return "order of convergence"
        case .dysonSemicircleW1: return "exponent of N in the exact system's W₁ to the semicircle"
        default: return nil
        }
    }

    /// The claim with its default configuration (and `expected` in place of the claimed value).
    /// - Throws: `InvalidInput` (option `--expect`) when `expected` is given for a
    ///   structural claim or is not a finite number (a multiple: not in [1e-100, 1e100]).
    public func claim(expected: Double? = nil) throws -> any Claim {
        if let expected {
            guard let claimed = claimedValue, let quantity = claimedQuantity else {
                throw InvalidInput(option: "--expect", "\(rawValue) is a structural claim with no claimed value to override")
            }
            _ = claimed
            guard expected.isFinite else { throw InvalidInput(option: "--expect", "must be a finite number, the \(quantity) (got \(expected))") }
            if self == .rbmBatchSizeRatio || self.claimedQuantity?.hasPrefix("multiple") == true {
                // Beyond [1e-100, 1e100] the scaled closed form under- or overflows in the tests' ratios.
                try require(expected >= 1e-100 && expected <= 1e100, "--expect", "must be a number in [1e-100, 1e100], the \(quantity) (got \(expected))")
            }
        }
        let value = expected ?? claimedValue ?? 0
        switch self {
        case .rbmConsistencyLemma:
            return VarianceLawClaim(id: rawValue, statement: "the random batch interaction sum is unbiased with variance (E[1/(s−1)] − 1/(N−1))·Λᵢ",
                                    reference: "Jin, Li, Liu, J. Comput. Phys. 400 (2020), arXiv 1812.10575, Lemma 3.1",
                                    sweep: Self.particleSweep(estimators: ["random-batch"], sizes: [2, 5, 16]), scale: value, requireUnbiased: true)
        case .rbmBatchOrder:
            return ConvergenceOrderClaim(id: rawValue, statement: "the RBM batch error (RBM-EM against full EM on the same noise) has order \(short(value)) ± 0.1 in τ",
                                         reference: "Jin, Li, Liu, J. Comput. Phys. 400 (2020), arXiv 1812.10575 (error O(√(τ·g)))",
                                         subject: .builtIn(Self.smoothStudy), kind: .batch, batchSize: 2, order: value, tolerance: 0.1)
        case .rbmBatchSizeRatio:
            return BatchSizeRatioClaim(id: rawValue, subject: .builtIn(Self.smoothStudy), scale: value)
        case .rbmParticleIndependence:
            var c = Self.smoothStudy
            c.timeSteps = [1.0 / 16, 1.0 / 32]
            return ParticleIndependenceClaim(id: rawValue, study: c, particleCounts: [32, 64, 128, 256], batchSize: 2, exponent: value, tolerance: 0.1)
        case .rbmUniformInTime:
            var c = Self.smoothStudy
            c.timeSteps = [1.0 / 8, 1.0 / 16]
            c.horizon = 8
            return UniformInTimeClaim(id: rawValue, study: c, checkpoints: 8, batchSize: 2, exponent: value, tolerance: 0.1)
        case .eulerMaruyamaTimeOrder:
            return ConvergenceOrderClaim(id: rawValue, statement: "full Euler–Maruyama with additive noise has strong order \(short(value)) ± 0.1",
                                         reference: "Kloeden & Platen, Numerical Solution of Stochastic Differential Equations (1992), §10.2",
                                         subject: .builtIn(Self.smoothStudy), kind: .time, order: value, tolerance: 0.1)
        case .rbmWeakOrderLinear:
            var c = Self.smoothStudy
            c.system = .linear
            c.particles = 16
            c.batchSizes = [2]
            c.noise = 0
            c.timeSteps = (2...5).map { pow(2.0, -Double($0)) }
            c.trajectories = 2_000
            return ConvergenceOrderClaim(id: rawValue, statement: "the RBM weak error of f = (1/N)Σ‖Xᵢ‖² on the linear system (σ = 0, against the exact flow from the same X(0)) has order \(short(value)) ± 0.1 in τ",
                                         reference: "Jin, Li, Liu, arXiv 1812.10575 (weak convergence of RBM)",
                                         subject: .builtIn(c), kind: .weak, batchSize: 2, order: value, tolerance: 0.1)
        case .rbaMeanFieldUnbiased:
            return VarianceLawClaim(id: rawValue, statement: "Random Batch Attention on the mean-field (USA) form is unbiased with the RBM variance law",
                                    reference: "Random Batch Attention, arXiv 2511.06044; Jin, Li, Liu, arXiv 1812.10575, Lemma 3.1 (on the mean-field form RBA is RBM)",
                                    sweep: Self.attentionSweep(estimators: ["rba"], sizes: [2, 4, 8]), scale: value, requireUnbiased: true)
        case .rbaMeanFieldBatchOrder:
            return ConvergenceOrderClaim(id: rawValue, statement: "the batch error of RBA on mean-field attention has order \(short(value)) ± 0.1 in τ",
                                         reference: "Random Batch Attention, arXiv 2511.06044; Jin, Li, Liu, arXiv 1812.10575 (on the mean-field form RBA is RBM)",
                                         subject: .builtIn(Self.attentionStudy(.meanField)), kind: .batch, batchSize: 4, order: value, tolerance: 0.1)
        case .rbaSoftmaxFloorScaling:
            return FloorScalingClaim(id: rawValue, subject: .builtIn(Self.attentionStudy(.softmax)), exponent: value, tolerance: 0.15)
        case .bernoulliVarianceLaw:
            return VarianceLawClaim(id: rawValue, statement: "Bernoulli sampling of the interaction sum (keep each partner with probability π, weight 1/π) is unbiased with its closed-form variance",
                                    reference: "Zeng et al., YOSO, arXiv 2111.09714 (Bernoulli sampling); closed form ((1−π)/π)·(1/(N−1)²)Σⱼ‖Kᵢⱼ‖²",
                                    sweep: Self.particleSweep(estimators: ["bernoulli"], sizes: [0.1, 0.3, 0.6]), scale: value, requireUnbiased: true)
        case .yosoVarianceLaw:
            return VarianceLawClaim(id: rawValue, statement: "YOSO's LSH-Bernoulli attention on the mean-field form is unbiased for YOSO-E with its closed-form variance",
                                    reference: "Zeng et al., You Only Sample (Almost) Once, ICML 2021, arXiv 2111.09714",
                                    sweep: Self.attentionSweep(estimators: ["yoso"], sizes: [4, 16, 64]), scale: value, requireUnbiased: true)
        case .importanceColumnsVarianceLaw:
            return VarianceLawClaim(id: rawValue, statement: "importance column sampling (probabilities ∝ ‖column‖·‖row of V‖) is unbiased with its closed-form variance",
                                    reference: "Drineas, Kannan, Mahoney, SIAM J. Comput. 36 (2006) 132–157 (approximate matrix multiplication); Skeinformer, Chen et al., NAACL 2022, arXiv 2112.05359",
                                    sweep: Self.attentionSweep(estimators: ["importance-columns"], sizes: [4, 16, 32]), scale: value, requireUnbiased: true)
        case .performerMeanSquaredErrorLaw: return RandomFeatureMeanSquaredErrorClaim(scale: value)
        case .yosoCollisionProbability: return YOSOCollisionClaim(exponentScale: value)
        case .nystromSchurComplement: return NystromSchurComplementClaim()
        case .newtonSchulzSquaring: return NewtonSchulzSquaringClaim(exponent: value)
        case .nystromformerCubicRate: return NystromformerCubicRateClaim(order: value)
        case .paramixerMixing: return ParamixerMixingClaim()
        case .attentionEnergyMonotone: return AttentionEnergyMonotonicityClaim()
        case .antipodalStationarity: return AntipodalStationarityClaim()
        case .largeDimensionCurve: return LargeDimensionCurveClaim()
        case .linearStationaryVariance: return LinearStationaryVarianceClaim()
        case .rbmReplacementWeakOrder: return RandomBatchReplacementWeakOrderClaim(order: value)
        case .rbmLongTimeSampling: return LongTimeSamplingClaim(order: value)
        case .dysonSemicircleW1: return DysonSemicircleClaim(id: rawValue, exponent: value)
        case .thomsonMinimalEnergy: return ThomsonMinimalEnergyClaim()
        case .opinionConsistencyLemma:
            return ConsistencyLemmaClaim(id: rawValue, statement: "on bounded-confidence opinion dynamics (discontinuous kernel) the random batch drift is unbiased with variance (E[1/(s−1)] − 1/(N−1))·Λᵢ",
                                         problem: OpinionDynamics().problem(particles: 64), estimator: RandomBatchInteractionSum(batchSize: 4),
                                         draws: 4_000, configurations: 2, scale: value)
        case .opinionSeparatedGroups: return OpinionSeparatedGroupsClaim()
        }
    }

    /// The smooth problem's fast study: N = 32, p ∈ {2, 4, 8}, τ = 2⁻³ … 2⁻⁷, T = 1, 100 trajectories.
    static var smoothStudy: ConvergenceConfiguration {
        var c = ConvergenceConfiguration()
        c.particles = 32
        c.batchSizes = [2, 4, 8]
        c.timeSteps = (3...7).map { pow(2.0, -Double($0)) }
        c.horizon = 1
        c.trajectories = 100
        c.bootstrapReplicates = 0
        return c
    }

    /// Attention on the sphere, N = 32, d = 3, β = 1 (diffuse), p ∈ {2, 4, 8}, τ = 2⁻³ … 2⁻⁶.
    static func attentionStudy(_ normalization: AttentionNormalization) -> ConvergenceConfiguration {
        var c = ConvergenceConfiguration()
        c.system = .attention
        c.attention.normalization = normalization
        c.particles = 32
        c.dimension = 3
        c.batchSizes = [2, 4, 8]
        c.timeSteps = (3...6).map { pow(2.0, -Double($0)) }
        c.horizon = 1
        c.trajectories = 60
        c.bootstrapReplicates = 0
        return c
    }

    static func particleSweep(estimators: [String], sizes: [Double]) -> VarianceSweepConfiguration {
        var c = VarianceSweepConfiguration()
        c.systems = ["smooth"]
        c.particles = 64
        c.estimators = estimators
        c.sizes = sizes
        c.draws = 2_000
        c.configurations = 2
        return c
    }

    static func attentionSweep(estimators: [String], sizes: [Double]) -> VarianceSweepConfiguration {
        var c = VarianceSweepConfiguration()
        c.systems = ["attention"]
        c.attention.normalization = .meanField
        c.particles = 64
        c.estimators = estimators
        c.sizes = sizes
        c.draws = 2_000
        c.configurations = 2
        return c
    }
}
