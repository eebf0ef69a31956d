import AllocationCounting
import Testing
import Estimators
import NumericsCore
import ParticleSystems

#if DEBUG
private let isOptimisedBuild = false
#else
private let isOptimisedBuild = true
#endif

/// The hot loops allocate nothing once their workspaces exist: each is run once (growing its
/// scratch), then `repeats` more times while the calling thread's allocation calls are counted by
/// the tests' counting allocator (Tests/AllocationCounting). One thread, so all work runs on the
/// counted thread. Counted in optimised builds only (`swift test -c release`, as CI and the README
/// run it): a debug build keeps temporaries and boxes the optimiser removes, so its counts say
/// nothing about the code users run.
@Suite("Allocation-free hot loops", .enabled(if: isOptimisedBuild, "allocations are counted in release builds"))
struct AllocationFreeHotLoopTests {
    static let repeats = 20

    /// Allocation calls made by the calling thread during `body`.
    private func allocations(_ body: () -> Void) -> UInt64 {
        let before = allocation_counting_thread_allocations()
        body()
        return allocation_counting_thread_allocations() - before
    }

    /// Allocation calls of `repeats` estimates after a first one that grows the workspace.
    private func steadyAllocations(_ estimator: any InteractionSumEstimator, _ interaction: any PairInteraction,
                                   _ x: inout [Double], _ y: inout [Double], particles n: Int, dimension d: Int,
                                   workspace: EstimatorWorkspace, stream: RandomStream) -> UInt64 {
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                func evaluate() {
                    estimator.estimate(interaction: interaction, positions: px, particles: n, dimension: d, into: py,
                                       workspace: workspace, stream: stream)
                }
                evaluate()
                return allocations { for _ in 0..<Self.repeats { evaluate() } }
            }
        }
    }

    @Test("the counting allocator sees an array allocation")
    func counterCountsAnAllocation() {
        let count = allocations {
            let array = [Double](repeating: 1, count: 1000)
            #expect(array.count == 1000)
        }
        #expect(count >= 1)
    }

    @Test("exact pair drift: Newton's third law (d = 2, 3; fused multiply-adds at d = 16)", arguments: [(2, 64), (3, 517), (16, 100)])
    func exactDriftAllocatesNothing(dimension d: Int, particles n: Int) {
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: nil)
        var x = [Double](repeating: 0, count: n * d), y = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 5, purpose: .initialCondition).fillGaussian(&x)
        let workspace = EstimatorWorkspace(particles: n), stream = RandomStream(seed: 5, purpose: .estimatorDraws)
        let estimator = ExactInteractionSum()
        #expect(steadyAllocations(estimator, problem.interaction, &x, &y, particles: n, dimension: d, workspace: workspace,
                                  stream: stream) == 0)
    }

    @Test("sampled sums (random batch with replacement, Bernoulli, uniform columns with c > N) as the variance sweep draws them",
          arguments: ["replacement", "bernoulli", "uniform-columns"])
    func sampledSumsAllocateNothing(estimatorName: String) {
        let n = 57, d = 2
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: nil)
        var x = [Double](repeating: 0, count: n * d), y = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 7, purpose: .initialCondition).fillGaussian(&x)
        let estimator: any InteractionSumEstimator = switch estimatorName {
        case "replacement": RandomBatchReplacementInteractionSum(batchSize: 9)
        case "bernoulli": BernoulliInteractionSum(keepProbability: 0.3)
        default: UniformColumnInteractionSum(samples: 2 * n)
        }
        let workspace = EstimatorWorkspace(particles: n), stream = RandomStream(seed: 7, purpose: .estimatorDraws)
        #expect(steadyAllocations(estimator, problem.interaction, &x, &y, particles: n, dimension: d, workspace: workspace,
                                  stream: stream) == 0)
    }

    @Test("integration loop as the studies run it (Integrator.integrate over a Brownian path): Euler–Maruyama with the exact drift and with RBM-1 (p = 4, N = 1001: the leftover particle joins a batch), Heun with the exact drift",
          arguments: ["euler-exact", "euler-rbm", "heun-exact"])
    func integrationLoopAllocatesNothing(scheme: String) {
        let n = scheme == "euler-rbm" ? 1001 : 64, d = 2
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: 0.5)
        let estimator: any InteractionSumEstimator = scheme == "euler-rbm" ? RandomBatchInteractionSum(batchSize: 4) : ExactInteractionSum()
        // An existential, as the studies hold it (a concrete drift would be boxed at every call).
        let drift: any Drift = ParticleDrift(problem: problem, estimator: estimator)
        let integrator: any Integrator = scheme == "heun-exact" ? HeunIntegrator() : EulerMaruyamaIntegrator()
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let stream = RandomStream(seed: 6, purpose: .batchPartition)
        var x = [Double](repeating: 0, count: n * d), path = [Double](repeating: 0, count: Self.repeats * n * d)
        RandomStream(seed: 6, purpose: .initialCondition).fillGaussian(&x)
        RandomStream(seed: 6, purpose: .brownianNoise).fillGaussian(&path, scale: 0.1)
        func integrate(steps: Int) -> IntegrationOutcome {
            integrator.integrate(&x, timeStep: 0.01, steps: steps, drift: drift, brownianPath: path, workspace: workspace, stream: stream)
        }
        _ = integrate(steps: 1)
        var clean = false
        #expect(allocations { clean = integrate(steps: Self.repeats).isClean } == 0)
        #expect(clean)
    }

    /// The tile pass (score GEMM, online softmax, value GEMM per key tile) allocates nothing, and on
    /// one thread the score tile and row statistics live in the workspace: a call allocates nothing
    /// however many query blocks (1 at N = 256, 2 at N = 1024) and key tiles (1 and 4) it passes over.
    @Test("exact attention on one thread allocates nothing after the first call (one and several query blocks and key tiles)",
          arguments: [256, 1024])
    func exactAttentionTilePassAllocatesNothing(tokens n: Int) {
        let stream = RandomStream(seed: 7, purpose: .configuration)
        let d = 16
        var q = Matrix(rows: n, columns: d), k = Matrix(rows: n, columns: d), v = Matrix(rows: n, columns: d)
        stream.fillGaussian(&q.elements)
        stream.fillGaussian(&k.elements)
        stream.fillGaussian(&v.elements)
        let inputs = AttentionInputs(queries: q, keys: k, values: v, beta: 0.25, normalization: .softmax)
        var out = Matrix(rows: n, columns: d)
        let exact = ExactAttention(), workspace = AttentionWorkspace()
        exact.estimate(inputs, into: &out, workspace: workspace, stream: stream)
        let count = allocations { for _ in 0..<Self.repeats { exact.estimate(inputs, into: &out, workspace: workspace, stream: stream) } }
        #expect(count == 0)
    }
}
