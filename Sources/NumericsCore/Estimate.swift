/// A Monte Carlo (or otherwise uncertain) number: its value, its standard error (1σ),
/// and the number of independent samples behind it. The JSON shape
/// `{value, standardError, count}` is part of the command-line contract.
public struct Estimate: Codable, Sendable, Equatable {
    public var value: Double
    public var standardError: Double
    public var count: Int

    public init(value: Double, standardError: Double, count: Int) {
        self.value = value
        self.standardError = standardError
        self.count = count
    }

    /// value ± z·SE.
    public func interval(z: Double) -> (lower: Double, upper: Double) {
        (value - z * standardError, value + z * standardError)
    }

    /// |value| / SE; infinity when the standard error is zero and the value is not.
    public var signalToNoise: Double {
        standardError > 0 ? abs(value) / standardError : (value == 0 ? 0 : .infinity)
    }
}
