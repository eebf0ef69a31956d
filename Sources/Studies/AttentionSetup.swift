import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import ParticleSystems

/// The attention model and token source shared by every attention study (convergence,
/// variance sweep, work–precision): N tokens in ℝᵈ, maps Q, K, V, inverse temperature β,
/// normalisation and geometry. Validated before any work starts; file problems become
/// ``InvalidInput`` naming `--tokens-file` or `--maps-file`.
public struct AttentionSetup: Codable, Sendable {
    /// N (ignored when a token file is given: N comes from the file).
    public var tokens: Int = 64
    /// d (ignored when a token file is given).
    public var dimension: Int = 3
    public var beta: Double = 1
    public var normalization: AttentionNormalization = .softmax
    public var geometry: AttentionGeometry = .sphere
    /// Generated tokens: "uniform-sphere", "gaussian" or "clustered" (4 clusters, spread 0.3).
    public var tokenDistribution: String = "uniform-sphere"
    /// A CSV token file (one token per row) instead of generated tokens.
    public var tokensFile: String? = nil
    /// "identity", "random" (entries N(0, 1/d), seeded) or "file".
    public var maps: String = "identity"
    /// For maps = "file": CSV of Q, K, V stacked (3d rows, d columns).
    public var mapsFile: String? = nil

    public init() {}

    public static let tokenDistributions = TokenDistributionName.allCases.map(\.rawValue)
    public static let mapKinds = AttentionMapsKind.allCases.map(\.rawValue)

    public func validate() throws {
        try require(beta.isFinite && beta >= 0 && beta <= 1e4, "--beta", "must be a finite number in [0, 10000] (got \(beta))")
        if tokensFile == nil {
            try require(tokens >= 2 && tokens <= 10_000_000, "--particles", "must be an integer in [2, 10000000] (got \(tokens))")
            try require(dimension >= 1 && dimension <= 4096, "--dim", "must be an integer in [1, 4096] (got \(dimension))")
            try require(Self.tokenDistributions.contains(tokenDistribution), "--tokens",
                        "must be one of \(Self.tokenDistributions.joined(separator: ", ")) (got '\(tokenDistribution)')")
        }
        try require(Self.mapKinds.contains(maps), "--maps", "must be one of \(Self.mapKinds.joined(separator: ", ")) (got '\(maps)')")
        try require((maps == "file") == (mapsFile != nil), "--maps-file", "give --maps-file exactly when --maps file is chosen")
    }

    /// Token source for trajectories and configurations.
    public var tokenSet: TokenSet {
        if let tokensFile { return .file(tokensFile) }
        switch tokenDistribution {
        case "gaussian": return .gaussian
        case "clustered": return .clustered(clusters: 4, spread: 0.3)
        default: return .uniformSphere
        }
    }

    /// Tokens for trajectory (or configuration) `index`: generated from the stream
    /// (seed, index, initialCondition), or the file's tokens (the same for every index).
    /// Projected onto the sphere for the sphere geometry.
    public func initialTokens(seed: UInt64, index: Int) throws -> Matrix {
        var x: Matrix
        do {
            x = try tokenSet.tokens(count: tokensFile == nil ? tokens : nil, dimension: tokensFile == nil ? dimension : nil,
                                    stream: RandomStream(seed: seed, trajectory: UInt64(index), purpose: .initialCondition))
        } catch let error as TokenFile.Error {
            throw InvalidInput(option: "--tokens-file", error.description)
        }
        if geometry == .sphere {
            for i in 0..<x.rows {
                let norm = (0..<x.columns).reduce(0.0) { $0 + x[i, $1] * x[i, $1] }
                try require(norm > 0, "--tokens-file", "token \(i + 1) is zero and cannot be projected onto the sphere")
            }
            Sphere.normalizeRows(&x.elements, dimension: x.columns)
        }
        return x
    }

    /// N and d after reading the token file, if any.
    public func resolvedShape() throws -> (tokens: Int, dimension: Int) {
        guard tokensFile != nil else { return (tokens, dimension) }
        let x = try initialTokens(seed: 0, index: 0)
        try require(x.rows >= 2, "--tokens-file", "needs at least 2 tokens (got \(x.rows))")
        return (x.rows, x.columns)
    }

    /// The maps Q, K, V for dimension d; random maps come from (seed, modelParameters).
    public func attentionMaps(dimension d: Int, seed: UInt64) throws -> AttentionMaps {
        switch maps {
        case "random": return .random(d, stream: RandomStream(seed: seed, purpose: .modelParameters))
        case "file":
            do { return try AttentionMaps.load(mapsFile ?? "", dimension: d) } catch let error as TokenFile.Error {
                throw InvalidInput(option: "--maps-file", error.description)
            }
        default: return .identity(d)
        }
    }

    /// The dynamics these settings describe.
    public func dynamics(seed: UInt64) throws -> AttentionDynamics {
        let (n, d) = try resolvedShape()
        return AttentionDynamics(tokens: n, dimension: d, maps: try attentionMaps(dimension: d, seed: seed), beta: beta,
                                 normalization: normalization, geometry: geometry)
    }

    /// Attention inputs at configuration `index` (for static studies: variance sweep, work–precision).
    public func inputs(seed: UInt64, index: Int) throws -> AttentionInputs {
        let dynamics = try dynamics(seed: seed)
        let x = try initialTokens(seed: seed, index: index)
        return x.elements.withUnsafeBufferPointer { dynamics.inputs($0) }
    }
}
