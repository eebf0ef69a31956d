/// The defaults of each system where they differ from the study's (N = 64, d = 2, T = 2).
extension ConvergenceSystem {
    /// N when --particles is omitted: 12 for thomson (the largest N with a single local minimum
    /// and a known minimal energy), 64 otherwise.
    public var defaultParticles: Int {
        switch self {
        case .thomson: return 12
        default: return 64
        }
    }

    /// d when --dim is omitted: the fixed dimension of the particle problem (dyson and opinion 1,
    /// thomson 3), 3 for attention, 2 otherwise.
    public var defaultDimension: Int {
        if let fixed = referenceProblem?.fixedDimension { return fixed }
        return self == .attention ? 3 : 2
    }

    /// T when --horizon is omitted: 128 for thomson, where the exact flow (in the per-particle
    /// time unit of E/(N−1)) from random starts at N = 12 reaches the minimum to 10⁻⁸ relative
    /// (at T = 32 some starts still lingered near saddles, 0.3% above it); 8 for opinion, where the
    /// clusters have formed; 2 otherwise.
    public var defaultHorizon: Double {
        switch self {
        case .thomson: return 128
        case .opinion: return 8
        default: return 2
        }
    }
}
