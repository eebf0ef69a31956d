import ArgumentParser
import AttentionAsDynamics
import Estimators
import Studies

/// The attention model options shared by every subcommand.
struct AttentionOptions: ParsableArguments {
    @Option(help: "Attention: softmax (SA) or mean-field (USA).")
    var normalization: AttentionNormalization = .softmax
    @Option(help: "Attention: sphere (tokens on the unit sphere, tangent projection) or euclidean.")
    var geometry: AttentionGeometry = .sphere
    @Option(help: "Attention: inverse temperature β (finite, in [0, 10000]).")
    var beta: Double = 1
    @Option(help: "Attention: generated tokens, uniform-sphere, gaussian or clustered.")
    var tokens: String = "uniform-sphere"
    @Option(name: .customLong("tokens-file"), help: "Attention: CSV of tokens (one per row); N and d come from it.")
    var tokensFile: String?
    @Option(help: "Attention: Q, K, V maps, identity, random (N(0, 1/d) entries, seeded) or file.")
    var maps: String = "identity"
    @Option(name: .customLong("maps-file"), help: "Attention: CSV of Q, K, V stacked (3d rows of d entries), with --maps file.")
    var mapsFile: String?

    /// Copies the options into `setup`.
    func apply(to setup: inout AttentionSetup) throws {
        setup.normalization = normalization
        setup.geometry = geometry
        setup.beta = beta
        setup.tokenDistribution = tokens
        setup.tokensFile = tokensFile
        setup.maps = maps
        setup.mapsFile = mapsFile
    }

    /// Throws naming the first attention option given for a system that is not attention.
    func rejectUnlessAttention() throws {
        let given: [(String, Bool)] = [
            ("--normalization", normalization != .softmax), ("--geometry", geometry != .sphere), ("--beta", beta != 1),
            ("--tokens", tokens != "uniform-sphere"), ("--tokens-file", tokensFile != nil), ("--maps", maps != "identity"),
            ("--maps-file", mapsFile != nil)]
        for (option, isGiven) in given { try require(!isGiven, option, "applies to --system attention only") }
    }
}
