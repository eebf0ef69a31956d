import ParticleSystems

/// The systems of the distributional and long-time studies: reference problems with a smooth,
/// Lipschitz interaction (dyson's singular kernel and attention are not covered by the theorems).
public enum SmoothParticleSystem: String, CaseIterable, Codable, Sendable {
    case linear, smooth
    public var referenceProblem: ReferenceProblem { self == .linear ? .linear : .smooth }
}
