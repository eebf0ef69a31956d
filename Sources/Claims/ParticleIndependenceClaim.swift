import Foundation
import NumericsCore
import Studies

/// The N dimension of the RBM error theorem (Jin, Li, Liu, arXiv 1812.10575): the batch error
/// bound C·√(τ·g(p)) has a constant C independent of the number of particles N. The study is
/// run at each N of `particleCounts` (independent seeds, same τ grid), the RMS batch error at
/// the finest τ and batch size p is taken at each N, and its exponent in N is fitted
/// (`PowerLawFit`: weighted log–log least squares with a Birge factor); "holds" when the
/// exponent's 95% interval lies inside `exponent` ± `tolerance` (theory 0).
///
/// With `batchSizeFraction` set, the batch size grows with N (p = fraction·N), a deliberately
/// N-dependent scheme: g ≈ 1/p then falls like 1/N and the batch error like N^{−1/2}.
///
/// Cost: one convergence study per N (O(Σ_N N²) pair interactions per step).
public struct ParticleIndependenceClaim: Claim {
    public var id: String
    public var statement: String
    public var reference: String
    public var study: ConvergenceConfiguration
    public var particleCounts: [Int]
    public var batchSize: Int
    public var batchSizeFraction: Double?
    public var exponent: Double
    public var tolerance: Double

    public init(id: String = "rbm-n-independence", statement: String? = nil,
                reference: String = "Jin, Li, Liu, J. Comput. Phys. 400 (2020), arXiv 1812.10575 (the error constant does not depend on N)",
                study: ConvergenceConfiguration, particleCounts: [Int], batchSize: Int = 2, batchSizeFraction: Double? = nil,
                exponent: Double = 0, tolerance: Double = 0.1) {
        self.id = id
        self.statement = statement ?? "the RBM batch error at fixed τ and p does not depend on N: exponent in N \(short(exponent)) ± \(short(tolerance))"
        self.reference = reference
        self.study = study
        self.particleCounts = particleCounts
        self.batchSize = batchSize
        self.batchSizeFraction = batchSizeFraction
        self.exponent = exponent
        self.tolerance = tolerance
    }

    public var configuration: String {
        let sizes = batchSizeFraction.map { "p = \(short($0))·N" } ?? "p = \(batchSize)"
        return "convergence studies of \(study.system.rawValue) at N ∈ {\(particleCounts.map(String.init).joined(separator: ", "))}, \(sizes), batch error at the finest τ = \(short(study.timeSteps.min() ?? .nan)), T = \(short(study.horizon)), \(study.trajectories) trajectories each"
    }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        try require(particleCounts.count >= 2 && Set(particleCounts).count == particleCounts.count, "particleCounts",
                    "needs at least two distinct particle counts (got \(particleCounts))")
        var errors: [Estimate] = [], xs: [Double] = []
        var evidence = ClaimEvidence(columns: ["N", "p", "batch error at finest τ ± SE", "seconds per trajectory"])
        for (k, n) in particleCounts.enumerated() {
            var c = study
            c.particles = n
            let p = batchSizeFraction.map { max(2, Int((Double(n) * $0).rounded())) } ?? batchSize
            c.batchSizes = [p]
            c.seed = sweepSeed(seed, UInt64(k))
            c.threads = threads
            let runStart = Date()
            let report = try ConvergenceStudy.run(c)
            let finest = c.timeSteps.min() ?? 0
            guard let level = report.levels.first(where: { $0.dt == finest && $0.batchSize == p }) else { continue }
            errors.append(level.batchError)
            xs.append(Double(n))
            evidence.rows.append(["\(n)", "\(p)", pm(level.batchError), short(Date().timeIntervalSince(runStart) / Double(c.trajectories))])
        }
        return .scaling(self, x: xs, errors: errors, variable: "N", exponent: exponent, tolerance: tolerance, evidence: evidence,
                        samplesUnit: "trajectories per N", seed: seed, start: start)
    }
}
