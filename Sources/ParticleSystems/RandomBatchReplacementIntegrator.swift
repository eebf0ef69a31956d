import Estimators
import NumericsCore

/// The Random Batch Method with replacement, RBM-r (Jin–Li–Liu, arXiv 1812.10575, Algorithm 2):
/// one time step τ consists of M = ⌈N/p⌉ pseudo-steps; each pseudo-step draws a
/// fresh batch C of p distinct indices uniformly at random and advances only those particles by
/// one Euler–Maruyama step with the batch-local interaction,
///
///     Xᵢ ← Xᵢ + h[−∇V(Xᵢ) + (1/(p−1)) Σ_{j∈C, j≠i} K(Xᵢ − Xⱼ)] + σ√h ξᵢ,   i ∈ C,
///
/// all forces of the batch being evaluated at the positions before the pseudo-step. Particles
/// outside C do not move. Batches of different pseudo-steps are independent, so a particle may
/// be advanced 0, 1 or several times in one step.
///
/// **Pseudo-step size.** h = τ·N/(M·p), so that the expected time a particle is advanced per
/// step, M·(p/N)·h, is exactly τ. When p | N this is h = τ and M = N/p (the textbook choice);
/// otherwise ⌈N/p⌉ rounds the number of pseudo-steps up and h is slightly smaller than τ.
///
/// **Randomness.** Everything is drawn from the `stream` passed to ``step(_:timeStep:brownianIncrement:drift:workspace:stream:)``,
/// in this order for each pseudo-step: the batch (p draws of a partial Fisher–Yates shuffle of
/// the identity, reset at the start of each step), then, for a stochastic step, p·d standard
/// normals ξ in batch order. The Brownian increments of the full system cannot be reused as in
/// RBM-1 (where ΔWᵢ of the full system drives particle i in every batch): here particles are
/// advanced at random times and a random number of times per step, so a particle's increments
/// are not those of a fixed time grid. `brownianIncrement` therefore only signals whether the
/// step is stochastic (non-nil: add σ√h ξ with fresh ξ from `stream`) or deterministic (nil: no
/// noise); its values are ignored. Consequently RBM-r and a full-system run on the same
/// Brownian path are not strongly coupled; compare them in law (weak errors) or use σ = 0.
///
/// The drift's estimator is not used (the batch-local sum is the estimator); only the drift's
/// problem (V, K, σ) is. Deterministic order 1 (in τ, per particle on average; W₂ error
/// O(κ^{1/2}) without diffusion, Cai–Liu–Wang arXiv 2407.19315). Cost per step: M·p·(p−1) ≈ N(p−1)
/// pair interactions, as RBM-1. Allocates nothing: uses the workspace's permutation and stage
/// buffers.
public struct RandomBatchReplacementIntegrator: Integrator {
    public let batchSize: Int

    public init(batchSize: Int) {
        precondition(batchSize >= 2, "RBM-r batch size \(batchSize) < 2")
        self.batchSize = batchSize
    }

    public var name: String { "random-batch-replacement" }
    public var deterministicOrder: Int { 1 }

    /// M = ⌈N/p⌉ pseudo-steps per time step.
    public func pseudoSteps(particles n: Int) -> Int { (n + batchSize - 1) / batchSize }

    /// h = τ·N/(M·p): each particle's expected advance per step is τ (equals τ when p | N).
    public func pseudoStepSize(timeStep dt: Double, particles n: Int) -> Double {
        dt * Double(n) / Double(pseudoSteps(particles: n) * batchSize)
    }

    public func step(_ positions: inout [Double], timeStep dt: Double, brownianIncrement: UnsafeBufferPointer<Double>?,
                     drift: any Drift, workspace: IntegratorWorkspace, stream: RandomStream) {
        guard let drift = drift as? ParticleDrift else {
            preconditionFailure("RBM-r samples pair interactions of a ParticleProblem; got \(type(of: drift))")
        }
        let problem = drift.problem, n = problem.particles, p = batchSize
        precondition(p <= n, "RBM-r batch size \(p) > N = \(n)")
        precondition(positions.count == n * problem.dimension && workspace.estimator.permutation.count == n,
                     "RBM-r: \(positions.count) coordinates, workspace for \(workspace.estimator.permutation.count) particles")
        let h = pseudoStepSize(timeStep: dt, particles: n)
        let noisy = brownianIncrement != nil && problem.noise != 0
        for k in 0..<n { workspace.estimator.permutation[k] = Int32(k) }
        for _ in 0..<pseudoSteps(particles: n) {
            // Partial Fisher–Yates: the first p entries become a uniform random p-subset.
            for k in 0..<p {
                let j = k + stream.uniformInt(below: n - k)
                workspace.estimator.permutation.swapAt(k, j)
            }
            workspace.estimator.permutation.withUnsafeBufferPointer { perm in
                advance(&positions, batch: UnsafeBufferPointer(rebasing: perm[0..<p]), timeStep: h,
                        problem: problem, noise: noisy ? stream : nil, workspace: workspace)
            }
        }
    }

    /// One pseudo-step on a given batch C (p distinct indices; any p ≥ 2 is accepted here):
    /// Xᵢ ← Xᵢ + h[−∇V(Xᵢ) + (1/(|C|−1)) Σ_{j∈C, j≠i} K(Xᵢ−Xⱼ)] (+ σ√h ξᵢ with ξ drawn from
    /// `noise` in batch order when it is non-nil) for i ∈ C; other particles are untouched.
    public func advance(_ positions: inout [Double], batch: UnsafeBufferPointer<Int32>, timeStep h: Double,
                        problem: ParticleProblem, noise: RandomStream?, workspace: IntegratorWorkspace) {
        let d = problem.dimension, count = batch.count
        precondition(count >= 2, "RBM-r batch of \(count) particles")
        let weight = 1.0 / Double(count - 1)
        let sigmaRootH = problem.noise * h.squareRoot()
        workspace.stages[0].withUnsafeMutableBufferPointer { forceBuffer in
            precondition(forceBuffer.count >= count * d, "RBM-r workspace too small for a batch of \(count)")
            let force = forceBuffer.baseAddress!
            positions.withUnsafeMutableBufferPointer { xBuffer in
                let x = xBuffer.baseAddress!
                for (slot, member) in batch.enumerated() {
                    let i = Int(member), fi = force + slot * d
                    precondition(i >= 0 && i < problem.particles, "RBM-r batch index \(i)")
                    fi.update(repeating: 0, count: d)
                    problem.interaction.accumulateSum(target: i, sources: batch, positions: x, dimension: d,
                                                      weight: weight, into: fi)
                    problem.potential.addNegativeGradient(at: x + i * d, dimension: d, into: fi)
                }
                for (slot, member) in batch.enumerated() {
                    let xi = x + Int(member) * d, fi = force + slot * d
                    for c in 0..<d { xi[c] += h * fi[c] }
                    if let noise {
                        for c in 0..<d { xi[c] += sigmaRootH * noise.gaussian() }
                    }
                }
            }
        }
    }
}
