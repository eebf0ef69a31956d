import Estimators
import Foundation
import NumericsCore

/// The N dimension of the RBM error theorem: the convergence study run at several particle
/// counts with the same τ grid, and per error kind and batch size the exponent of the error at
/// the finest τ in N (theory 0 for the batch error: the constant C of the bound C·√(τ·g(p, N)),
/// Jin, Li, Liu, arXiv 1812.10575, does not depend on N). For random batch on a particle system
/// the batch error is divided by √g(p, N), g = E[1/(s−1)] − 1/(N−1), before the fit, so that the
/// exponent is that of C alone (g itself varies mildly with N: 1/3 − 1/31 at N = 32, 1/3 − 1/127 at
/// N = 128 for p = 4).
///
/// Each N runs with its own seed, ``sweepSeed(_:_:)`` of the study's seed and the rank of N in
/// increasing order, so the runs are independent (the WLS fit of ``PowerLawFit`` assumes it)
/// and the order of the list does not change results. Cost: Σ_N the cost of one study.
public enum ParticleScalingStudy {
    /// The error kinds whose N-exponent is fitted, with the theory exponent where one exists.
    static let kinds: [(ConvergenceFitKind, Double?)] = [(.batch, 0), (.strong, nil), (.time, nil)]
    /// Tolerance of the batch-error verdict: the exponent's 95% interval inside 0 ± 0.1.
    public static let tolerance = 0.1

    public static func run(_ configuration: ConvergenceConfiguration, particleCounts: [Int],
                           progress: ((_ done: Int, _ total: Int) -> Void)? = nil) throws -> ParticleSweepReport {
        try require(particleCounts.count >= 2, "--particles", "an N sweep needs at least two particle counts")
        try require(Set(particleCounts).count == particleCounts.count, "--particles", "lists a particle count twice")
        let start = Date()
        let sorted = particleCounts.sorted()
        var reports: [ConvergenceReport] = []
        for (rank, n) in sorted.enumerated() {
            progress?(rank, sorted.count)
            var c = configuration
            c.particles = n
            c.seed = sweepSeed(configuration.seed, UInt64(rank))
            reports.append(try ConvergenceStudy.run(c))
        }
        progress?(sorted.count, sorted.count)
        let finest = configuration.timeSteps.min() ?? 0
        var scaling: [ParticleScaling] = []
        for p in configuration.batchSizes {
            for (kind, theory) in kinds {
                if kind == .time && p != configuration.batchSizes[0] { continue }
                let errors: [Estimate] = reports.compactMap { report in
                    report.levels.first { $0.dt == finest && $0.batchSize == p }.map { level in
                        switch kind {
                        case .batch: return level.batchError
                        case .strong: return level.strongError
                        case .time, .weak: return level.timeError
                        }
                    }
                }
                guard errors.count == sorted.count else { continue }
                let normalized = kind == .batch && configuration.system != .attention && (configuration.estimator ?? "random-batch") == "random-batch"
                let scaled = normalized ? zip(sorted, errors).map { n, e -> Estimate in
                    let root = RandomBatchInteractionSum(batchSize: p).varianceFactor(particles: n).squareRoot()
                    return Estimate(value: e.value / root, standardError: e.standardError / root, count: e.count)
                } : errors
                let fit = PowerLawFit(x: sorted.map(Double.init), errors: scaled)
                let verdict = fit.flatMap { f in theory.map { f.verdict(theory: $0, tolerance: tolerance) } }
                    ?? VerdictRecord(verdict: .notAssessed, rule: fit == nil ? "no exponent could be fitted (zero or non-finite errors)" : "no theory exponent for this error kind",
                                     errorRate: "—", trajectoriesToDecide: nil)
                scaling.append(ParticleScaling(estimator: reports[0].levels.first?.estimator ?? "", batchSize: kind == .time ? 0 : p, kind: kind,
                                               dt: finest, particles: sorted, errors: errors, dividedByRootVarianceFactor: normalized,
                                               exponent: fit?.exponent ?? .nan,
                                               ci95: fit?.ci95 ?? [.nan, .nan], standardError: fit?.standardError ?? .nan,
                                               theoryExponent: theory, verdict: verdict))
            }
        }
        let cost = zip(sorted, reports).map { n, report -> ParticleCost in
            let c = report.configuration
            let referenceSteps = report.reference.step.map { c.horizon / $0 } ?? 0
            let steps = c.timeSteps.reduce(referenceSteps) { $0 + (c.horizon / $1).rounded() * Double(1 + c.batchSizes.count) }
            return ParticleCost(particles: n, cpuSecondsPerStep: report.manifest.wallSeconds * Double(max(1, min(c.threads, c.trajectories)))
                                / (Double(c.trajectories) * steps))
        }
        return ParticleSweepReport(manifest: RunManifest(seed: configuration.seed, command: "", threads: configuration.threads,
                                                         wallSeconds: Date().timeIntervalSince(start)),
                                   configuration: configuration, particleCounts: sorted, reports: reports, particleScaling: scaling, cost: cost)
    }
}

/// The exponent of one error kind in N at the finest τ (JSON contract: `particleScaling[]`).
public struct ParticleScaling: Codable, Sendable {
    public var estimator: String
    /// The batch size (0 for the time error of full Euler–Maruyama, which has none).
    public var batchSize: Int
    public var kind: ConvergenceFitKind
    public var dt: Double
    public var particles: [Int]
    public var errors: [Estimate]
    /// The exponent is fitted to errors/√g(p, N) (random batch on a particle system), the
    /// constant C of the bound; `errors` are the raw RMS errors.
    public var dividedByRootVarianceFactor: Bool
    public var exponent: Double
    public var ci95: [Double]
    public var standardError: Double
    public var theoryExponent: Double?
    public var verdict: VerdictRecord

    private enum CodingKeys: String, CodingKey {
        case estimator, batchSize, kind, dt, particles, errors, dividedByRootVarianceFactor, exponent, ci95, standardError, theoryExponent, verdict
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(estimator, forKey: .estimator)
        try c.encode(batchSize, forKey: .batchSize)
        try c.encode(kind, forKey: .kind)
        try c.encode(dt, forKey: .dt)
        try c.encode(particles, forKey: .particles)
        try c.encode(errors, forKey: .errors)
        try c.encode(dividedByRootVarianceFactor, forKey: .dividedByRootVarianceFactor)
        try c.encode(jsonNumber(exponent), forKey: .exponent)
        try c.encode(ci95.map { jsonNumber($0) }, forKey: .ci95)
        try c.encode(jsonNumber(standardError), forKey: .standardError)
        try c.encode(theoryExponent, forKey: .theoryExponent)
        try c.encode(verdict, forKey: .verdict)
    }
}

/// Measured cost of the study at one N: CPU seconds per integrator step of one trajectory
/// (wall time × workers / (trajectories × steps over the reference and every level)).
public struct ParticleCost: Codable, Sendable {
    public var particles: Int
    public var cpuSecondsPerStep: Double
}

/// The result of `rbm-study convergence --particles N₁,N₂,…` (schema
/// `rbm-study/convergence-particle-sweep/1`): every N's convergence report, the N-exponents and
/// the cost per step.
public struct ParticleSweepReport: Codable, Sendable {
    public var schema = "rbm-study/convergence-particle-sweep/1"
    public var manifest: RunManifest
    public var configuration: ConvergenceConfiguration
    public var particleCounts: [Int]
    public var reports: [ConvergenceReport]
    public var particleScaling: [ParticleScaling]
    public var cost: [ParticleCost]

    public var warnings: [String] {
        zip(particleCounts, reports).flatMap { n, r in r.warnings.map { "N = \(n): \($0)" } }
    }

}
