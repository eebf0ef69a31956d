// The closed sets of names an attention setup takes from the command line (typed there, so
// `--help` lists them and shell completion offers them).

/// The generated token distributions (`--tokens`): uniform on the sphere, Gaussian, or 4
/// clusters of spread 0.3.
public enum TokenDistributionName: String, CaseIterable, Codable, Sendable {
    case uniformSphere = "uniform-sphere", gaussian, clustered
}

/// Where the Q, K, V maps come from (`--maps`): the identity, random N(0, 1/d) entries (seeded),
/// or a CSV file (`--maps-file`).
public enum AttentionMapsKind: String, CaseIterable, Codable, Sendable {
    case identity, random, file
}
