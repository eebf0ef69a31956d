/// Where each particle of a ``ParticleProblem`` lives.
public enum StateSpace: String, Sendable, Codable {
    /// ℝᵈ: the drift is used as it is.
    case euclidean
    /// The unit sphere S^{d−1}: the drift of particle i is projected on the tangent space,
    /// bᵢ ← P⊥_{xᵢ} bᵢ = bᵢ − ⟨xᵢ, bᵢ⟩xᵢ, and after every step each particle is renormalised,
    /// xᵢ ← xᵢ/‖xᵢ‖ (``Sphere``). With Euler this is the projected Euler scheme with the
    /// normalisation retraction: xᵢ ← (xᵢ + τ P⊥_{xᵢ} bᵢ)/‖xᵢ + τ P⊥_{xᵢ} bᵢ‖, which moves a particle
    /// by the angle arctan(τ‖P⊥_{xᵢ} bᵢ‖) < π/2 however large the force: a step can be inaccurate
    /// but never leaves the sphere. Only for deterministic dynamics (σ = 0): additive noise would
    /// need the Stratonovich projection, which is not implemented.
    case unitSphere
}
