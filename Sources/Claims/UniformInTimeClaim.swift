import Foundation
import NumericsCore
import Studies

/// The time dimension of the RBM error theorem (Jin, Li, Liu, arXiv 1812.10575): under strong
/// convexity of the confinement the batch error bound is uniform in time, sup_t E‖X̃(t) − X(t)‖²
/// ≤ C·τ·g with C independent of T. The study is run to each horizon T of `horizons`
/// (independent seeds, same τ grid), the RMS batch error at the finest τ and batch size p is
/// taken at each T, and its exponent in T over those horizons is fitted (`PowerLawFit`);
/// "holds" when the 95% interval lies below `exponent` + `tolerance` (one-sided: the error has
/// stopped growing; a slowly decreasing error also holds), "rejected" when it lies above.
/// On a problem without confinement the error keeps growing and the claim is rejected.
///
/// Cost: one convergence study per horizon, O(Σ_T T/h) steps.
public struct UniformInTimeClaim: Claim {
    public var id: String
    public var statement: String
    public var reference: String
    public var study: ConvergenceConfiguration
    public var horizons: [Double]
    public var batchSize: Int
    public var exponent: Double
    public var tolerance: Double

    public init(id: String = "rbm-uniform-in-time", statement: String? = nil,
                reference: String = "Jin, Li, Liu, J. Comput. Phys. 400 (2020), arXiv 1812.10575 (uniform in time under strong convexity)",
                study: ConvergenceConfiguration, horizons: [Double], batchSize: Int = 2, exponent: Double = 0, tolerance: Double = 0.1) {
        self.id = id
        self.statement = statement ?? "on the strongly convex problem the RBM batch error stops growing in t: exponent in T at most \(short(exponent + tolerance)) over T ∈ {\(horizons.map(short).joined(separator: ", "))}"
        self.reference = reference
        self.study = study
        self.horizons = horizons
        self.batchSize = batchSize
        self.exponent = exponent
        self.tolerance = tolerance
    }

    public var configuration: String {
        "convergence studies of \(study.system.rawValue), N = \(study.particles), p = \(batchSize), τ ∈ {\(study.timeSteps.sorted(by: >).map(short).joined(separator: ", "))}, to T ∈ {\(horizons.map(short).joined(separator: ", "))}, \(study.trajectories) trajectories each"
    }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        try require(horizons.count >= 2 && Set(horizons).count == horizons.count, "horizons", "needs at least two distinct horizons (got \(horizons))")
        var errors: [Estimate] = [], xs: [Double] = []
        var evidence = ClaimEvidence(columns: ["T", "batch error at finest τ ± SE"])
        for (k, horizon) in horizons.enumerated() {
            var c = study
            c.horizon = horizon
            c.batchSizes = [batchSize]
            c.seed = sweepSeed(seed, UInt64(k))
            c.threads = threads
            let report = try ConvergenceStudy.run(c)
            let finest = c.timeSteps.min() ?? 0
            guard let level = report.levels.first(where: { $0.dt == finest && $0.batchSize == batchSize }) else { continue }
            errors.append(level.batchError)
            xs.append(horizon)
            evidence.rows.append([short(horizon), pm(level.batchError)])
        }
        return .scaling(self, x: xs, errors: errors, variable: "T", exponent: exponent, tolerance: tolerance, atMost: true, evidence: evidence,
                        samplesUnit: "trajectories per horizon", seed: seed, start: start)
    }
}
