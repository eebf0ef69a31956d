import ArgumentParser
import AttentionAsDynamics
import Estimators
import Studies

/// The attention model options shared by every subcommand, listed under their own heading in
/// `--help` (``attentionOptionsTitle``); they apply to `--system attention` only.
struct AttentionOptions: ParsableArguments {
    @Option(help: "Normalisation of the attention weights: softmax (SA) or mean-field (USA); attention only.")
    var normalization: AttentionNormalization = .softmax
    @Option(help: "Geometry: sphere (tokens on the unit sphere, tangent projection) or euclidean.")
    var geometry: AttentionGeometry = .sphere
    @Option(help: "Inverse temperature β, a finite number in [0, 10000].")
    var beta: Double = 1
    @Option(help: "Generated tokens: uniform on the sphere, Gaussian, or 4 clusters of spread 0.3.")
    var tokens: TokenDistributionName = .uniformSphere
    @Option(name: .customLong("tokens-file"), help: "CSV of tokens (one per row) instead of generated ones; N and d come from it.")
    var tokensFile: String?
    @Option(help: "Q, K, V maps: identity, random (N(0, 1/d) entries, seeded) or file (--maps-file).")
    var maps: AttentionMapsKind = .identity
    @Option(name: .customLong("maps-file"), help: "CSV of Q, K, V stacked (3d rows of d entries), with --maps file.")
    var mapsFile: String?

    /// Copies the options into `setup`.
    func apply(to setup: inout AttentionSetup) throws {
        setup.normalization = normalization
        setup.geometry = geometry
        setup.beta = beta
        setup.tokenDistribution = tokens.rawValue
        setup.tokensFile = tokensFile
        setup.maps = maps.rawValue
        setup.mapsFile = mapsFile
    }

    /// Throws naming the first attention option given for a system that is not attention.
    func rejectUnlessAttention() throws {
        let given: [(String, Bool)] = [
            ("--normalization", normalization != .softmax), ("--geometry", geometry != .sphere), ("--beta", beta != 1),
            ("--tokens", tokens != .uniformSphere), ("--tokens-file", tokensFile != nil), ("--maps", maps != .identity),
            ("--maps-file", mapsFile != nil)]
        for (option, isGiven) in given { try require(!isGiven, option, "applies to --system attention only") }
    }
}

/// The `--help` heading of ``AttentionOptions``.
let attentionOptionsTitle = "Attention options"
