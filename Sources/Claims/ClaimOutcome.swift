import NumericsCore
import Studies

/// What checking a claim returns (JSON contract, element of `claims[]` in `rbm-study/check/1`).
public struct ClaimOutcome: Codable, Sendable {
    public var id: String
    public var statement: String
    public var reference: String
    /// The configuration the evidence was computed on, in words.
    public var configuration: String
    public var verdict: ClaimVerdict
    /// The rule that produced the verdict, with the numbers it used.
    public var rule: String
    /// The error rate the rule is designed for, and where it was measured.
    public var errorRate: String
    /// The claimed value (order, exponent, variance scale, …), or nil for a structural claim.
    public var expected: Double?
    /// The measured value the verdict is about, with its standard error and count.
    public var measured: Estimate?
    public var evidence: ClaimEvidence
    /// For an inconclusive verdict: the sample size that would decide it, from the observed
    /// variance, M·(w/w_target)², in ``samplesUnit``.
    public var samplesNeeded: Int?
    public var samplesUnit: String?
    public var seed: UInt64
    public var seconds: Double

    public init(id: String, statement: String, reference: String, configuration: String, verdict: ClaimVerdict, rule: String,
                errorRate: String, expected: Double?, measured: Estimate?, evidence: ClaimEvidence,
                samplesNeeded: Int? = nil, samplesUnit: String? = nil, seed: UInt64, seconds: Double = 0) {
        self.id = id
        self.statement = statement
        self.reference = reference
        self.configuration = configuration
        self.verdict = verdict
        self.rule = rule
        self.errorRate = errorRate
        self.expected = expected
        self.measured = measured
        self.evidence = evidence
        self.samplesNeeded = samplesNeeded
        self.samplesUnit = samplesUnit
        self.seed = seed
        self.seconds = seconds
    }

    /// True when the verdict is ``ClaimVerdict/holds``.
    public var holds: Bool { verdict == .holds }

    /// The outcome in words, with the evidence table: what a failing test prints.
    public var explanation: String {
        var text = "\(id): \(verdict.rawValue) — \(statement)\n"
        text += "rule: \(rule)\nerror rate: \(errorRate)\n"
        if let samplesNeeded { text += "to decide: about \(samplesNeeded) \(samplesUnit ?? "samples")\n" }
        text += "configuration: \(configuration); seed \(seed)\nreference: \(reference)\n"
        text += evidence.markdown
        return text
    }
}
