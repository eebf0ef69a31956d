import Studies

/// The verdict on a claim: the three answers a check can give.
public enum ClaimVerdict: String, Codable, Sendable, CaseIterable {
    /// The data show the property, within its tolerance, at the claim's error rate.
    case holds
    /// The data exclude the property (for a statistical claim, at the claim's error rate).
    case rejected
    /// The data cannot decide at this sample size; the outcome says how many samples would.
    case inconclusive

    /// The claim verdict of a study verdict: consistent → holds, inconsistent → rejected, and
    /// inconclusive, pre-asymptotic or not assessed → inconclusive (pre-asymptotic means the
    /// grid has not reached the regime the theory describes, which decides nothing).
    public init(_ verdict: Verdict) {
        switch verdict {
        case .consistent: self = .holds
        case .inconsistent: self = .rejected
        case .inconclusive, .preAsymptotic, .notAssessed: self = .inconclusive
        }
    }
}

extension ClaimVerdict {
    /// A conjunction of verdicts: rejected if any part is rejected, holds if every part holds,
    /// inconclusive otherwise (and for no parts at all).
    public static func all(_ parts: [ClaimVerdict]) -> ClaimVerdict {
        if parts.contains(.rejected) { return .rejected }
        return !parts.isEmpty && parts.allSatisfy { $0 == .holds } ? .holds : .inconclusive
    }
}
