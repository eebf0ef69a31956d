import Estimators
import NumericsCore

/// The drift b(X)ᵢ = −∇V(Xᵢ) + ŷᵢ(X) of a particle problem, with the interaction sum ŷ
/// supplied by any ``InteractionSumEstimator``: exact for the N-body reference, random batch
/// for RBM, or any other scheme. This is the seam between the dynamics and the estimators.
/// On the unit sphere (``StateSpace/unitSphere``) the drift is projected on the tangent space at
/// each particle and ``retract(_:)`` renormalises after each step.
public struct ParticleDrift: Drift {
    public let problem: ParticleProblem
    public let estimator: any InteractionSumEstimator

    public init(problem: ParticleProblem, estimator: any InteractionSumEstimator) {
        self.problem = problem
        self.estimator = estimator
    }

    public var particles: Int { problem.particles }
    public var dimension: Int { problem.dimension }
    public var noise: Double { problem.noise }
    public var requiresOrdering: Bool { problem.requiresOrdering }

    /// out ← b(positions). Cost: the estimator's cost plus O(N·d).
    public func evaluate(_ positions: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        let n = problem.particles, d = problem.dimension
        estimator.estimate(interaction: problem.interaction, positions: positions, particles: n, dimension: d,
                           into: out, workspace: workspace, stream: stream)
        let x = positions.baseAddress!, y = out.baseAddress!
        problem.potential.addNegativeGradients(at: x, particles: n, dimension: d, into: y)
        if problem.stateSpace == .unitSphere { Sphere.removeRadialComponent(out, at: positions, dimension: d) }
    }

    /// Renormalises every particle onto the unit sphere when the problem lives there (O(N·d));
    /// the identity in ℝᵈ.
    public func retract(_ positions: inout [Double]) {
        if problem.stateSpace == .unitSphere { Sphere.normalizeRows(&positions, dimension: problem.dimension) }
    }
}
