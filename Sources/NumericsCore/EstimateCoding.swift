extension Estimate {
    private enum CodingKeys: String, CodingKey { case value, standardError, count }

    /// Non-finite values are encoded as JSON null (JSON has no NaN), and decoded back as NaN.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value.isFinite ? value : nil, forKey: .value)
        try c.encode(standardError.isFinite ? standardError : nil, forKey: .standardError)
        try c.encode(count, forKey: .count)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(value: try c.decodeIfPresent(Double.self, forKey: .value) ?? .nan,
                  standardError: try c.decodeIfPresent(Double.self, forKey: .standardError) ?? .nan,
                  count: try c.decode(Int.self, forKey: .count))
    }
}
