import Estimators
import NumericsCore

/// The right-hand side b of dX = b(X) dt + σ dW for N particles in ℝᵈ (state N×d, row-major).
///
/// The seam between integrators and models: ``ParticleDrift`` (a particle problem with any
/// interaction-sum estimator) and the attention drifts of AttentionAsDynamics both conform, so
/// Euler–Maruyama, Heun, RK4 and the adaptive reference integrate either without knowing which.
public protocol Drift: Sendable {
    var particles: Int { get }
    var dimension: Int { get }
    /// Additive noise σ (0 for deterministic dynamics).
    var noise: Double { get }
    /// True when one-dimensional particles must keep their order (integrators report crossings).
    var requiresOrdering: Bool { get }
    /// out ← b(positions) (N·d entries); a random estimator draws from `stream`.
    func evaluate(_ positions: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                  workspace: EstimatorWorkspace, stream: RandomStream)
    /// Maps a state back onto the manifold the dynamics lives on after a step (e.g. renormalises
    /// tokens onto the unit sphere); the identity for dynamics in ℝᵈ.
    func retract(_ positions: inout [Double])
}

extension Drift {
    public var requiresOrdering: Bool { false }
    public func retract(_ positions: inout [Double]) {}
}
