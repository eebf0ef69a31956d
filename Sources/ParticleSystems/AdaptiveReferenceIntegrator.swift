import Estimators
import NumericsCore

/// The adaptive high-accuracy reference for the deterministic flow (σ = 0) of any ``Drift``, e.g.
///
///     dXᵢ/dt = bᵢ(X) = −∇V(Xᵢ) + (1/(N−1)) Σ_{j≠i} K(Xᵢ − Xⱼ),
///
/// integrated with GSL's Runge–Kutta–Prince–Dormand 8(9) under tight local error control
/// (``AdaptiveODESolver``; defaults 1e-12 absolute and relative). Fixed-step integrators
/// (Euler, Heun, RK4, RBM) are measured against it.
///
/// Shape: not an ``Integrator`` (it chooses its own steps, so it has no `step(timeStep:)`);
/// it exposes `integrate(_:from:to:)` on one problem, and a one-shot
/// ``solve(_:drift:horizon:)``. The noise σ of the problem is ignored: this integrates the
/// deterministic part of the dynamics, which is the whole dynamics exactly when σ = 0.
///
/// The drift must be a deterministic function of X (e.g. ``ExactInteractionSum``): an adaptive
/// controller cannot integrate a random right-hand side. The solver, the estimator workspace and
/// the (unused) estimator stream are made once, so a right-hand-side call allocates nothing.
/// Cost per call: one drift evaluation (O(N²·d) for the exact sum). Not thread-safe: one
/// instance per task.
public final class AdaptiveReferenceIntegrator {
    public let drift: any Drift
    private let solver: AdaptiveODESolver

    /// - Parameters:
    ///   - drift: the drift b (its estimator must be deterministic; see the type's documentation).
    ///   - absoluteTolerance, relativeTolerance: local error bounds of the rk8pd controller
    ///     (default 1e-12 each).
    ///   - initialStep: first trial step (default 1e-3).
    ///   - maximumSteps: step budget per integration (default 10⁶).
    public init(drift: any Drift, absoluteTolerance: Double = 1e-12, relativeTolerance: Double = 1e-12,
                initialStep: Double = 1e-3, maximumSteps: Int = 1_000_000) {
        self.drift = drift
        let n = drift.particles, d = drift.dimension, size = n * d
        let workspace = EstimatorWorkspace(particles: n)
        // The exact estimator draws nothing; a stream is still part of the estimator interface.
        let stream = RandomStream(seed: 0, purpose: .estimatorDraws)
        solver = AdaptiveODESolver(dimension: size, absoluteTolerance: absoluteTolerance,
                                   relativeTolerance: relativeTolerance, initialStep: initialStep,
                                   maximumSteps: maximumSteps) { _, y, dydt in
            drift.evaluate(UnsafeBufferPointer(start: y, count: size),
                           into: UnsafeMutableBufferPointer(start: dydt, count: size),
                           workspace: workspace, stream: stream)
        }
    }

    /// The reference for `problem` with the exact O(N²) interaction sum.
    public convenience init(problem: ParticleProblem, threads: Int = 1, absoluteTolerance: Double = 1e-12,
                            relativeTolerance: Double = 1e-12) {
        self.init(drift: ParticleDrift(problem: problem, estimator: ExactInteractionSum(threads: threads)),
                  absoluteTolerance: absoluteTolerance, relativeTolerance: relativeTolerance)
    }

    /// Accepted steps, rejected steps and drift evaluations of the last integration.
    public var statistics: (accepted: Int, rejected: Int, driftEvaluations: Int) {
        (solver.stepsTaken, solver.stepsRejected, solver.functionEvaluations)
    }

    /// Replaces X(t0) by X(t1) (row-major N×d).
    ///
    /// - Throws: ``NumericalLibraryError`` when the solver fails (step budget spent, step-size
    ///   underflow, non-finite drift); `positions` then holds the last accepted state.
    public func integrate(_ positions: inout [Double], from t0: Double = 0, to t1: Double) throws {
        precondition(positions.count == drift.particles * drift.dimension,
                     "reference: \(positions.count) coordinates for N = \(drift.particles), d = \(drift.dimension)")
        try solver.solve(&positions, from: t0, to: t1)
    }

    /// X(horizon) from X(0) = `initial` with default tolerances (a fresh solver per call).
    public static func solve(_ initial: [Double], drift: any Drift, horizon: Double) throws -> [Double] {
        var positions = initial
        try AdaptiveReferenceIntegrator(drift: drift).integrate(&positions, from: 0, to: horizon)
        return positions
    }
}
