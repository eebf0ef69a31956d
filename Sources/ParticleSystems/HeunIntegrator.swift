import NumericsCore

/// Heun's method (explicit trapezoid): k₁ = b(X), k₂ = b(X + τk₁ + σΔW),
/// X ← X + (τ/2)(k₁ + k₂) + σΔW. Order 2 for deterministic problems; with additive noise
/// it keeps strong order 1. Two drift evaluations per step.
public struct HeunIntegrator: Integrator {
    public init() {}
    public var name: String { "heun" }
    public var deterministicOrder: Int { 2 }

    public func step(_ positions: inout [Double], timeStep dt: Double, brownianIncrement: UnsafeBufferPointer<Double>?,
                     drift: any Drift, workspace: IntegratorWorkspace, stream: RandomStream) {
        workspace.evaluate(drift, at: positions, stage: 0, stream: stream)
        for k in positions.indices { workspace.trial[k] = positions[k] + dt * workspace.stages[0][k] }
        addNoise(&workspace.trial, noise: drift.noise, increment: brownianIncrement)
        workspace.evaluate(drift, at: workspace.trial, stage: 1, stream: stream)
        for k in positions.indices { positions[k] += 0.5 * dt * (workspace.stages[0][k] + workspace.stages[1][k]) }
        addNoise(&positions, noise: drift.noise, increment: brownianIncrement)
    }
}
