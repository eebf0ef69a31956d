import Foundation
import NumericsCore
import Studies

/// The time dimension of the RBM error theorem (Jin, Li, Liu, arXiv 1812.10575): under strong
/// convexity of the confinement the batch error bound is uniform in time, sup_t E‖X̃(t) − X(t)‖²
/// ≤ C·τ·g with C independent of T. One convergence study is run to `study.horizon` with
/// `checkpoints` checkpoints tⱼ = j·T/K; the RMS batch error at the finest τ and batch size p is
/// taken at every tⱼ, and its exponent in t over the checkpoints t ≥ T/2 is fitted
/// (``TimeGrowth``: the checkpoints share trajectories, so the interval comes from their joint
/// covariance). The claim is one-sided: "holds" when the 95% interval lies below `exponent` +
/// `tolerance` (the error has stopped growing; a slowly decreasing error also holds), "rejected"
/// when it lies above. While the error still accumulates like a random walk the exponent is
/// near ½, and on a problem without confinement it keeps growing: both are rejected.
///
/// Cost: one convergence study to T, O((T/h)·N²) pair interactions per trajectory.
public struct UniformInTimeClaim: Claim {
    public var id: String
    public var statement: String
    public var reference: String
    public var study: ConvergenceConfiguration
    public var checkpoints: Int
    public var batchSize: Int
    public var exponent: Double
    public var tolerance: Double

    public init(id: String = "rbm-uniform-in-time", statement: String? = nil,
                reference: String = "Jin, Li, Liu, J. Comput. Phys. 400 (2020), arXiv 1812.10575 (uniform in time under strong convexity)",
                study: ConvergenceConfiguration, checkpoints: Int = 8, batchSize: Int = 2, exponent: Double = 0, tolerance: Double = 0.1) {
        self.id = id
        self.statement = statement ?? "on the strongly convex problem the RBM batch error stops growing in t: its exponent in t over [T/2, T] is at most \(short(exponent + tolerance)) (T = \(short(study.horizon)))"
        self.reference = reference
        self.study = study
        self.checkpoints = checkpoints
        self.batchSize = batchSize
        self.exponent = exponent
        self.tolerance = tolerance
    }

    public var configuration: String {
        "a convergence study of \(study.system.rawValue), N = \(study.particles), p = \(batchSize), τ ∈ {\(study.timeSteps.sorted(by: >).map(short).joined(separator: ", "))}, T = \(short(study.horizon)) with \(checkpoints) checkpoints, \(study.trajectories) trajectories; batch error at the finest τ"
    }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        var c = study
        c.batchSizes = [batchSize]
        c.checkpoints = checkpoints
        c.seed = seed
        c.threads = threads
        let report = try ConvergenceStudy.run(c)
        let finest = c.timeSteps.min() ?? 0
        var evidence = ClaimEvidence(columns: ["t", "batch error at finest τ ± SE"])
        guard let profile = report.timeProfiles.first(where: { $0.kind == .batch && $0.batchSize == batchSize && $0.dt == finest }) else {
            throw InvalidInput(option: "checkpoints", "needs at least two checkpoints in [T/2, T] (got \(checkpoints))")
        }
        for (t, error) in zip(profile.times, profile.errors) { evidence.rows.append([short(t), pm(error)]) }
        evidence.rows.append(["sup", "\(pm(profile.supremum)) at t = \(short(profile.supremumTime))"])
        guard let growth = profile.lateGrowth else {
            return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration,
                                verdict: .inconclusive, rule: "the batch error was zero or not finite at a checkpoint in [T/2, T]: no growth exponent",
                                errorRate: OrderVerdictRule.errorRate, expected: exponent, measured: nil, evidence: evidence, seed: seed,
                                seconds: elapsed(since: start))
        }
        let lackOfFit = growth.lackOfFitP.map { ", lack of fit p = \(short($0))" } ?? ""
        return .exponentOutcome(self, exponent: growth.exponent, standardError: growth.standardError, ci95: growth.ci95,
                                count: growth.trajectories,
                                method: "log–log least squares of the batch error on t ≥ \(short(growth.from)) with the checkpoints' joint covariance\(lackOfFit)",
                                claimed: exponent, tolerance: tolerance, atMost: true, evidence: evidence, samplesUnit: "trajectories",
                                seed: seed, start: start)
    }
}
