import Estimators
import NumericsCore
import ParticleSystems
import Testing

/// The Euler–Maruyama step X ← (X + τ·b(X)) + σ·ΔW is computed in one pass over the state; it must
/// round exactly as the definition's two updates do, one after the other: first the drift step,
/// then the noise.
@Suite("Euler–Maruyama step")
struct EulerMaruyamaStepTests {
    /// The definition's drift update on its own, X + τ·b(X), with b drawn from the batch-partition
    /// stream of `partitionSeed` (the stream the step under test is given).
    private func driftUpdate(_ x: [Double], timeStep dt: Double, drift: ParticleDrift, particles n: Int,
                             partitionSeed: UInt64) -> [Double] {
        var b = [Double](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { px in
            b.withUnsafeMutableBufferPointer { pb in
                drift.evaluate(px, into: pb, workspace: EstimatorWorkspace(particles: n),
                               stream: RandomStream(seed: partitionSeed, purpose: .batchPartition))
            }
        }
        var updated = x
        for k in updated.indices { updated[k] += dt * b[k] }
        return updated
    }

    @Test("the one-pass step equals the drift update followed by the noise update, bit for bit (RBM-1 drift, p = 4)",
          arguments: [(2, 1001), (3, 64)])
    func onePassStepEqualsDriftThenNoise(dimension d: Int, particles n: Int) {
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: 0.7)
        let drift = ParticleDrift(problem: problem, estimator: RandomBatchInteractionSum(batchSize: 4))
        var x = [Double](repeating: 0, count: n * d), dW = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 41, purpose: .initialCondition).fillGaussian(&x)
        RandomStream(seed: 41, purpose: .brownianNoise).fillGaussian(&dW, scale: 0.1)
        let dt = 0.01
        #expect(problem.noise != 0, "the noise update must take part")

        // The definition, update by update: b(x) with the same estimator draws, then x + τ·b, then + σ·ΔW.
        var expected = driftUpdate(x, timeStep: dt, drift: drift, particles: n, partitionSeed: 42)
        for k in expected.indices { expected[k] += problem.noise * dW[k] }

        dW.withUnsafeBufferPointer { increment in
            EulerMaruyamaIntegrator().step(&x, timeStep: dt, brownianIncrement: increment, drift: drift,
                                           workspace: IntegratorWorkspace(particles: n, dimension: d),
                                           stream: RandomStream(seed: 42, purpose: .batchPartition))
        }
        let mismatches = zip(x, expected).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(n * d) coordinates differ in their bits")
    }

    /// Without noise the step is X + τ·b(X) alone, as before the one-pass update: σ = 0 ignores the
    /// increment entirely (σ·ΔW is not added, so a non-finite ΔW cannot turn the state into NaN through
    /// 0·∞), and a nil increment adds nothing whatever σ is.
    @Test("without noise (σ = 0, or no increment) the step is exactly X + τ·b(X), even for a non-finite increment",
          arguments: [(0.0, true), (0.7, false)])
    func stepWithoutNoiseIsTheDriftUpdate(noise: Double, passesIncrement: Bool) {
        let n = 64, d = 3
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: noise)
        let drift = ParticleDrift(problem: problem, estimator: RandomBatchInteractionSum(batchSize: 4))
        var x = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 43, purpose: .initialCondition).fillGaussian(&x)
        let dW = [Double](repeating: .infinity, count: n * d).enumerated().map { $0.offset % 2 == 0 ? $0.element : .nan }
        let dt = 0.01
        let expected = driftUpdate(x, timeStep: dt, drift: drift, particles: n, partitionSeed: 44)
        dW.withUnsafeBufferPointer { increment in
            EulerMaruyamaIntegrator().step(&x, timeStep: dt, brownianIncrement: passesIncrement ? increment : nil, drift: drift,
                                           workspace: IntegratorWorkspace(particles: n, dimension: d),
                                           stream: RandomStream(seed: 44, purpose: .batchPartition))
        }
        let mismatches = zip(x, expected).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(n * d) coordinates differ in their bits")
        #expect(x.allSatisfy { $0.isFinite })
    }
}
