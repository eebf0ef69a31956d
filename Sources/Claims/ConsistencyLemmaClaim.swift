import Estimators
import Foundation
import NumericsCore
import ParticleSystems
import Studies

/// The consistency lemma of the Random Batch Method on a particle problem of your own (Jin, Li,
/// Liu, J. Comput. Phys. 400 (2020), arXiv 1812.10575, Lemma 3.1): at a fixed configuration, the
/// random-batch interaction sum χᵢ = ŷᵢ − yᵢ has E χᵢ = 0 and
/// E‖χᵢ‖² = (E[1/(s−1)] − 1/(N−1))·Λᵢ, Λᵢ = (1/(N−2)) Σ_{j≠i} ‖K(Xᵢ−Xⱼ) − yᵢ‖².
///
/// More generally, any estimator with a closed-form variance (`InteractionSumVarianceLaw`)
/// against its law. At each of `configurations` states drawn from the problem's initial
/// distribution, `draws` estimates give the variance (SE from the fourth moment) and the
/// zero-bias test; `VarianceLawTest` decides the variance (times `scale`) and
/// `ZeroBiasTest` the mean. Cost: O(configurations · draws · cost of one estimate).
///
/// Error rate: false "rejected" ≤ 0.1% per configuration for each test when the SE holds.
public struct ConsistencyLemmaClaim<Estimator: InteractionSumVarianceLaw>: Claim {
    public var id: String
    public var statement: String
    public var reference: String
    public var problem: ParticleProblem
    public var estimator: Estimator
    public var draws: Int
    public var configurations: Int
    public var scale: Double

    public init(id: String = "consistency-lemma", statement: String? = nil,
                reference: String = "Jin, Li, Liu, J. Comput. Phys. 400 (2020), arXiv 1812.10575, Lemma 3.1",
                problem: ParticleProblem, estimator: Estimator, draws: Int = 4_000, configurations: Int = 2, scale: Double = 1) {
        self.id = id
        self.statement = statement ?? "\(estimator.name) is unbiased with variance \(scale == 1 ? "" : "\(short(scale))·")its closed form (for random batch: (E[1/(s−1)] − 1/(N−1))·Λᵢ)"
        self.reference = reference
        self.problem = problem
        self.estimator = estimator
        self.draws = draws
        self.configurations = configurations
        self.scale = scale
    }

    public var configuration: String {
        "\(problem.name), N = \(problem.particles), d = \(problem.dimension), \(estimator.name) (size \(estimator.size.map(short) ?? "—")), \(draws) draws × \(configurations) configurations"
    }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        try problem.validate()
        try require(draws >= 4 && draws <= 100_000_000, "draws", "must be in [4, 10⁸] (got \(draws))")
        try require(configurations >= 1 && configurations <= 10_000, "configurations", "must be in [1, 10⁴] (got \(configurations))")
        let n = problem.particles, d = problem.dimension
        let interaction = problem.interaction, estimator = self.estimator
        var evidence = ClaimEvidence(columns: ["configuration", "variance ± SE", "claimed", "ratio [95% CI]", "variance law", "bias test (p)"])
        var parts: [ClaimVerdict] = [], notes: [String] = [], needed: [Int] = []
        for k in 0..<configurations {
            var x = [Double](repeating: 0, count: n * d)
            problem.initialCondition.fill(&x, particles: n, dimension: d,
                                          stream: RandomStream(seed: seed, trajectory: UInt64(k), purpose: .configuration))
            let positions = x
            var target = [Double](repeating: 0, count: n * d)
            positions.withUnsafeBufferPointer { px in
                target.withUnsafeMutableBufferPointer { out in
                    ExactInteractionSum().estimate(interaction: interaction, positions: px, particles: n, dimension: d, into: out,
                                                   workspace: EstimatorWorkspace(particles: n), stream: RandomStream(seed: 0, purpose: .estimatorDraws))
                }
            }
            let moments = InteractionTermMoments(interaction: interaction, positions: positions, particles: n, dimension: d)
            let law = estimator.theoreticalMeanSquaredError(moments)
            let theoryTrace = law.reduce(0, +)
            let summary = EstimatorDrawStatistics.measure(target: target, rows: n, draws: draws, threads: threads,
                                                          theoreticalVariance: theoryTrace) {
                let workspace = EstimatorWorkspace(particles: n)
                return { r, out in
                    positions.withUnsafeBufferPointer { px in
                        out.withUnsafeMutableBufferPointer { y in
                            estimator.estimate(interaction: interaction, positions: px, particles: n, dimension: d, into: y, workspace: workspace,
                                               stream: RandomStream(seed: seed, trajectory: UInt64(k), purpose: .estimatorDraws, index: UInt32(truncatingIfNeeded: r)))
                        }
                    }
                }
            }
            let claimed = scale * theoryTrace / Double(n)
            let record = VarianceLawTest.verdict(variance: summary.variance, theory: claimed, kurtosis: summary.kurtosis, kurtosisThreshold: 20,
                                                 targetRMS: summary.targetRMS, draws: draws)
            var part = ClaimVerdict(record.verdict)
            switch summary.biasVerdict {
            case .detected: part = .rejected
            case .inconclusive: if part == .holds { part = .inconclusive }
            case .consistentWithUnbiased: break
            }
            parts.append(part)
            if let m = record.trajectoriesToDecide { needed.append(m) }
            if part != .holds { notes.append("configuration \(k): \(record.rule); bias \(summary.biasVerdict.rawValue) (p = \(short(summary.biasPValue)))") }
            let ratio = claimed > 0 ? "\(short(summary.variance.value / claimed)) \(bracket(VarianceLawTest.ratioInterval(summary.variance, theory: claimed)))" : "—"
            evidence.rows.append(["\(k)", pm(summary.variance), short(claimed), ratio, record.verdict.rawValue,
                                  "\(summary.biasVerdict.rawValue) (\(short(summary.biasPValue)))"])
        }
        let verdict = ClaimVerdict.all(parts)
        var rule = "at every configuration: zero-bias test not rejecting (level \(short(ZeroBiasTest.level))) and variance law by log-scale z (|z| > 3.29 rejects) with ratio 95% CI inside 1 ± \(short(VarianceLawTest.tolerance))"
        if !notes.isEmpty { rule += " — " + notes.joined(separator: "; ") }
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration, verdict: verdict, rule: rule,
                            errorRate: "false 'rejected' ≤ 0.1% per configuration and test when the SE holds (measured by variance-sweep --calibrate)",
                            expected: scale, measured: nil, evidence: evidence,
                            samplesNeeded: verdict == .inconclusive ? needed.max() : nil, samplesUnit: "draws per configuration",
                            seed: seed, seconds: elapsed(since: start))
    }
}
