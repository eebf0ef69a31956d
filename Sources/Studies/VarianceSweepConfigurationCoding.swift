import Foundation

/// The JSON of a variance-sweep configuration: every field, except the attention block when no
/// listed system is attention (it does not apply; optional in the schema, read back as the
/// default when absent).
extension VarianceSweepConfiguration {
    enum CodingKeys: String, CodingKey {
        case systems, particles, dimension, estimators, sizes, matchCost, draws, configurations, seed, threads, attention, yosoBits,
             kurtosisWarning
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        systems = try c.decode([String].self, forKey: .systems)
        particles = try c.decode(Int.self, forKey: .particles)
        dimension = try c.decodeIfPresent(Int.self, forKey: .dimension)
        estimators = try c.decodeIfPresent([String].self, forKey: .estimators)
        sizes = try c.decodeIfPresent([Double].self, forKey: .sizes)
        matchCost = try c.decodeIfPresent([Double].self, forKey: .matchCost)
        draws = try c.decode(Int.self, forKey: .draws)
        configurations = try c.decode(Int.self, forKey: .configurations)
        seed = try c.decode(UInt64.self, forKey: .seed)
        threads = try c.decode(Int.self, forKey: .threads)
        attention = try c.decodeIfPresent(AttentionSetup.self, forKey: .attention) ?? AttentionSetup()
        yosoBits = try c.decode(Int.self, forKey: .yosoBits)
        kurtosisWarning = try c.decode(Double.self, forKey: .kurtosisWarning)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(systems, forKey: .systems)
        try c.encode(particles, forKey: .particles)
        try c.encodeIfPresent(dimension, forKey: .dimension)
        try c.encodeIfPresent(estimators, forKey: .estimators)
        try c.encodeIfPresent(sizes, forKey: .sizes)
        try c.encodeIfPresent(matchCost, forKey: .matchCost)
        try c.encode(draws, forKey: .draws)
        try c.encode(configurations, forKey: .configurations)
        try c.encode(seed, forKey: .seed)
        try c.encode(threads, forKey: .threads)
        if systems.contains("attention") { try c.encode(attention, forKey: .attention) }
        try c.encode(yosoBits, forKey: .yosoBits)
        try c.encode(kurtosisWarning, forKey: .kurtosisWarning)
    }
}
