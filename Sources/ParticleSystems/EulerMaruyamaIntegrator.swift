import NumericsCore

/// Euler–Maruyama: X ← X + τ·b(X) + σ·ΔW. Order 1 for deterministic problems, strong order 1
/// for additive noise (Kloeden–Platen §10.2). With a random batch estimator in the drift this
/// is exactly RBM-1 (Jin–Li–Liu, arXiv 1812.10575, Algorithm 1). One drift evaluation per step.
public struct EulerMaruyamaIntegrator: Integrator {
    public init() {}
    public var name: String { "euler-maruyama" }
    public var deterministicOrder: Int { 1 }

    public func step(_ positions: inout [Double], timeStep dt: Double, brownianIncrement: UnsafeBufferPointer<Double>?,
                     drift: any Drift, workspace: IntegratorWorkspace, stream: RandomStream) {
        workspace.evaluate(drift, at: positions, stage: 0, stream: stream)
        workspace.stages[0].withUnsafeBufferPointer { b in
            for k in positions.indices { positions[k] += dt * b[k] }
        }
        addNoise(&positions, noise: drift.noise, increment: brownianIncrement)
    }
}
