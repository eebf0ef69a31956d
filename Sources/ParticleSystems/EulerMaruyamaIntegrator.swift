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
        let sigma = drift.noise
        workspace.stages[0].withUnsafeBufferPointer { b in
            positions.withUnsafeMutableBufferPointer { x in
                guard let dW = brownianIncrement, sigma != 0 else {
                    for k in x.indices { x[k] += dt * b[k] }
                    return
                }
                // One pass instead of the drift pass and then `addNoise`: the same two roundings in the
                // same order, (x + τ·b) + σ·ΔW, so bit for bit what the two passes give, with one
                // read and write of the state fewer (it matters once N·d·8 bytes exceed the caches).
                precondition(dW.count == x.count, "Brownian increment has \(dW.count) entries for \(x.count) coordinates")
                for k in x.indices { x[k] = (x[k] + dt * b[k]) + sigma * dW[k] }
            }
        }
    }
}
