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

    /// The RMS error √S̄ from a mean square S̄ ± SE (delta method: SE(√S̄) = SE(S̄)/(2√S̄)).
    /// At S̄ = 0 the SE falls back to √SE(S̄), the scale of a mean square lost in its own noise.
    public static func rootMeanSquare(ofMeanSquare meanSquare: Estimate) -> Estimate {
        let root = meanSquare.value.squareRoot()
        let se = root > 0 ? meanSquare.standardError / (2 * root) : meanSquare.standardError.squareRoot()
        return Estimate(value: root, standardError: se, count: meanSquare.count)
    }

    /// |value| / SE; infinity when the standard error is zero and the value is not.
    public var signalToNoise: Double {
        standardError > 0 ? abs(value) / standardError : (value == 0 ? 0 : .infinity)
    }
}
