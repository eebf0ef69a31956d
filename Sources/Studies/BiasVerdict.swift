/// The three-way outcome of the zero-bias test (``ZeroBiasTest``). Raw values are the JSON
/// contract (field `biasVerdict` of a variance-sweep row) and do not change.
public enum BiasVerdict: String, Codable, Sendable, CaseIterable {
    /// The test ran and did not reject zero bias (or the bias is below rounding).
    case consistentWithUnbiased = "consistent-with-unbiased"
    /// Zero bias rejected at level α (``ZeroBiasTest/level``).
    case detected = "detected"
    /// The draws cannot resolve the question: heavy tails (kurtosis over the gate), or no variation
    /// without a closed form to say whether a rare term was simply never drawn.
    case inconclusive = "inconclusive"
}
