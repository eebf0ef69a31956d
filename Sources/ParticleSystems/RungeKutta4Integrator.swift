import NumericsCore

/// The classical fourth-order Runge–Kutta method for the deterministic flow (σ = 0):
/// k₁ = b(X), k₂ = b(X + τk₁/2), k₃ = b(X + τk₂/2), k₄ = b(X + τk₃),
/// X ← X + (τ/6)(k₁ + 2k₂ + 2k₃ + k₄). Order 4; four drift evaluations per step. Additive
/// noise, if given, is added after the step (strong order 1 then).
public struct RungeKutta4Integrator: Integrator {
    public init() {}
    public var name: String { "rk4" }
    public var deterministicOrder: Int { 4 }

    public func step(_ positions: inout [Double], timeStep dt: Double, brownianIncrement: UnsafeBufferPointer<Double>?,
                     drift: any Drift, workspace: IntegratorWorkspace, stream: RandomStream) {
        workspace.evaluate(drift, at: positions, stage: 0, stream: stream)
        for s in 1...3 {
            let h = s == 3 ? dt : 0.5 * dt
            for k in positions.indices { workspace.trial[k] = positions[k] + h * workspace.stages[s - 1][k] }
            workspace.evaluate(drift, at: workspace.trial, stage: s, stream: stream)
        }
        for k in positions.indices {
            positions[k] += dt / 6 * (workspace.stages[0][k] + 2 * workspace.stages[1][k]
                                      + 2 * workspace.stages[2][k] + workspace.stages[3][k])
        }
        addNoise(&positions, noise: drift.noise, increment: brownianIncrement)
    }
}
