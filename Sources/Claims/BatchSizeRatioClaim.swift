import Foundation
import NumericsCore
import Studies

/// "The batch error scales like √g(p) between batch sizes": at the finest τ, for consecutive
/// batch sizes p₁ < p₂, e(p₁)/e(p₂) = `scale`·√(g(p₁)/g(p₂)) with g(p) = 1/(p−1) − 1/(N−1) (the
/// RBM lemma's variance factor; Jin–Li–Liu, arXiv 1812.10575: the batch error is O(√(τ·g))). Each ratio's 95%
/// interval (delta method on log e, paired over trajectories) divided by the theory must lie
/// inside 1 ± 0.05 (equivalence) for "holds"; any interval outside it rejects.
///
/// Error rate: ≤ 2.5% false "holds" per ratio when the interval covers; measured coverage 100%
/// (40 seeds, default smooth problem; the interval is conservative).
public struct BatchSizeRatioClaim: Claim {
    public var id: String
    public var statement: String
    public var reference: String
    public var subject: ConvergenceSubject
    /// The claimed multiple of the theory ratio (1 for the theorem; anything else is a negative control).
    public var scale: Double

    public init(id: String = "batch-size-ratio", statement: String? = nil,
                reference: String = "Jin, Li, Liu, J. Comput. Phys. 400 (2020), arXiv 1812.10575",
                subject: ConvergenceSubject, scale: Double = 1) {
        self.id = id
        self.statement = statement ?? "batch errors at consecutive batch sizes are in the ratio \(scale == 1 ? "" : "\(short(scale))·")√(g(p₁)/g(p₂)), g(p) = 1/(p−1) − 1/(N−1)"
        self.reference = reference
        self.subject = subject
        self.scale = scale
    }

    public var configuration: String { subject.description }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let report = try subject.with(seed: seed, threads: threads).run()
        var evidence = ClaimEvidence(columns: ["p₁ → p₂", "τ", "measured ratio ± SE", "claimed", "measured/claimed 95% CI", "verdict"])
        var records: [VerdictRecord] = []
        for ratio in report.batchSizeRatios {
            let claimed = scale * ratio.theory
            let record = OrderVerdictRule.test(
                centre: ratio.measured.value / claimed, lower: ratio.ci95[0] / claimed, upper: ratio.ci95[1] / claimed,
                band: (1 - BatchSizeRatio.tolerance, 1 + BatchSizeRatio.tolerance), trajectories: ratio.measured.count,
                subject: "measured/claimed 95% CI \(bracket([ratio.ci95[0] / claimed, ratio.ci95[1] / claimed]))",
                bandText: "1 ± \(short(BatchSizeRatio.tolerance))", approaching: nil)
            records.append(record)
            evidence.rows.append(["\(ratio.batchSizes[0]) → \(ratio.batchSizes[1])", short(ratio.dt), pm(ratio.measured), short(claimed),
                                  bracket([ratio.ci95[0] / claimed, ratio.ci95[1] / claimed]), record.verdict.rawValue])
        }
        let verdicts = records.map { ClaimVerdict($0.verdict) }
        let verdict: ClaimVerdict = records.isEmpty ? .inconclusive
            : verdicts.contains(.rejected) ? .rejected : verdicts.allSatisfy { $0 == .holds } ? .holds : .inconclusive
        let rule = records.isEmpty
            ? "no pair of batch sizes with a variance law (needs two batch sizes of an unbiased RBM estimator)"
            : "every ratio's measured/claimed 95% CI inside 1 ± \(short(BatchSizeRatio.tolerance)) → holds; any outside → rejected; \(records.count) ratios: " + records.map(\.rule).joined(separator: "; ")
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration, verdict: verdict,
                            rule: rule, errorRate: OrderVerdictRule.errorRate, expected: scale, measured: nil, evidence: evidence,
                            samplesNeeded: verdict == .inconclusive ? records.compactMap(\.trajectoriesToDecide).max() : nil,
                            samplesUnit: "trajectories", seed: seed, seconds: elapsed(since: start))
    }
}
