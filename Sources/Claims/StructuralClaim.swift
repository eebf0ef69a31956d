import Foundation

/// The error rate of a deterministic claim: no sampling, only floating-point rounding, which
/// the stated tolerance bounds.
func structuralErrorRate(_ tolerance: String) -> String {
    "no sampling error in the decision: decided against a tolerance of \(tolerance)"
}

extension ClaimOutcome {
    /// The outcome of a deterministic claim: holds when every check passed, else rejected.
    static func structural(_ claim: some Claim, passed: Bool, rule: String, tolerance: String, expected: Double? = nil,
                           evidence: ClaimEvidence, seed: UInt64, start: Date) -> ClaimOutcome {
        ClaimOutcome(id: claim.id, statement: claim.statement, reference: claim.reference, configuration: claim.configuration,
                     verdict: passed ? .holds : .rejected, rule: rule, errorRate: structuralErrorRate(tolerance), expected: expected,
                     measured: nil, evidence: evidence, seed: seed, seconds: elapsed(since: start))
    }
}
