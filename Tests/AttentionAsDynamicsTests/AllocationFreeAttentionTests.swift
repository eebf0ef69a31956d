import AllocationCounting
import AttentionAsDynamics
import Estimators
import NumericsCore
import ParticleSystems
import Testing

#if DEBUG
private let isOptimisedBuild = false
#else
private let isOptimisedBuild = true
#endif

/// Attention draws and attention-dynamics steps allocate nothing once their workspace exists: a
/// first draw (or step) grows the ``AttentionWorkspace``, then `repeats` more are counted by the
/// tests' counting allocator (Tests/AllocationCounting) on the calling thread. Optimised builds
/// only, as for the interaction sums (a debug build keeps temporaries the optimiser removes).
///
/// Every product here has both dimensions of its result above 4: OpenBLAS (0.3 on x86-64, as
/// measured) allocates a buffer inside `cblas_dgemm` whenever the result has 4 or fewer rows or
/// columns (e.g. d_v ≤ 4 in RBA's value product), one allocation per such call that no caller can
/// avoid.
@Suite("Allocation-free attention draws and dynamics steps", .enabled(if: isOptimisedBuild, "allocations are counted in release builds"))
struct AllocationFreeAttentionTests {
    static let repeats = 10

    /// Allocation calls made by the calling thread during `body`.
    private func allocations(_ body: () -> Void) -> UInt64 {
        let before = allocation_counting_thread_allocations()
        body()
        return allocation_counting_thread_allocations() - before
    }

    /// N tokens of dimension d with Gaussian Q, K, V (fixed seed).
    private func inputs(tokens n: Int, dimension d: Int, normalization: AttentionNormalization) -> AttentionInputs {
        let stream = RandomStream(seed: 11, purpose: .configuration)
        var q = Matrix(rows: n, columns: d), k = Matrix(rows: n, columns: d), v = Matrix(rows: n, columns: d)
        stream.fillGaussian(&q.elements, scale: 0.5)
        stream.fillGaussian(&k.elements, scale: 0.5)
        stream.fillGaussian(&v.elements)
        return AttentionInputs(queries: q, keys: k, values: v, beta: 1, normalization: normalization)
    }

    /// Allocation calls of `repeats` draws from their own keyed streams after one warm-up draw,
    /// and whether the draws equal those made with a fresh workspace each time (the workspace keeps
    /// no state that changes a result). The streams are made before counting: making a keyed
    /// stream allocates its generator, once per draw in the studies, whatever the estimator.
    private func steadyDraws(_ draw: (inout Matrix, AttentionWorkspace, RandomStream) -> Void,
                             tokens n: Int, valueDimension dv: Int) -> (allocations: UInt64, reproducible: Bool) {
        let workspace = AttentionWorkspace()
        var out = Matrix(rows: n, columns: dv)
        var outputs = [Matrix](repeating: out, count: Self.repeats)
        for r in 0..<Self.repeats { outputs[r].elements[0] = 1 }  // distinct storage, written in place below
        let streams = (0..<Self.repeats).map { RandomStream(seed: 3, purpose: .estimatorDraws, index: UInt32($0)) }
        draw(&out, workspace, RandomStream(seed: 3, purpose: .estimatorDraws, index: 999))
        let count = allocations {
            for r in 0..<Self.repeats { draw(&outputs[r], workspace, streams[r]) }
        }
        var reproducible = true
        for r in 0..<Self.repeats {
            var fresh = Matrix(rows: n, columns: dv)
            draw(&fresh, AttentionWorkspace(), RandomStream(seed: 3, purpose: .estimatorDraws, index: UInt32(r)))
            reproducible = reproducible && fresh.elements.elementsEqual(outputs[r].elements) { $0.bitPattern == $1.bitPattern }
        }
        return (count, reproducible)
    }

    static let randomEstimators: [any AttentionEstimator] = [
        RandomBatchAttention(batchSize: 8), RandomBatchAttention(batchSize: 7, weighting: .corrected),
        BernoulliAttention(keepProbability: 0.1), YOSOAttention(hashes: 4), NormalizedYOSOAttention(hashes: 3),
        SkeinformerAttention(samples: 12),
        SkeinformerAttention(samples: 12, components: .init(pilotSampling: false, adaptiveNormalization: true, pilotReuse: true)),
        SkeinformerAttention(samples: 12, components: .init(pilotSampling: true, adaptiveNormalization: false, pilotReuse: true)),
        SkeinformerAttention(samples: 12, components: .init(pilotSampling: true, adaptiveNormalization: true, pilotReuse: false)),
        PerformerAttention(features: 16), PerformerAttention(features: 8, kind: .trigonometric),
        PerformerAttention(features: 8, kind: .hyperbolic), NystromformerAttention(landmarks: 9),
    ]

    @Test("a draw of RBA (plain, corrected), Bernoulli, YOSO (plain, normalised), Skeinformer (and its ablations), Performer (positive, trigonometric, hyperbolic; i.i.d. features) and Nyströmformer allocates nothing after the first, and equals a draw with a fresh workspace",
          arguments: AttentionNormalization.allCases)
    func samplingDrawsAllocateNothing(normalization: AttentionNormalization) {
        let n = 101, d = 6
        let inputs = inputs(tokens: n, dimension: d, normalization: normalization)
        for estimator in Self.randomEstimators {
            let (count, reproducible) = steadyDraws({ out, workspace, stream in
                estimator.estimate(inputs, into: &out, workspace: workspace, stream: stream)
            }, tokens: n, valueDimension: d)
            #expect(count == 0, "\(estimator.name) size \(estimator.size ?? 0)")
            #expect(reproducible, "\(estimator.name) size \(estimator.size ?? 0)")
        }
    }

    @Test("a draw of Paramixer (chord, CDIL) from its fitted chain allocates nothing", arguments: ParamixerPattern.allCases)
    func preparedParamixerDrawAllocatesNothing(pattern: ParamixerPattern) {
        let n = 64, d = 6
        let inputs = inputs(tokens: n, dimension: d, normalization: .softmax)
        let estimator = ParamixerAttention(pattern: pattern, factors: 7)
        let chain = estimator.prepare(inputs)
        let (count, reproducible) = steadyDraws({ out, workspace, stream in
            estimator.estimate(inputs, prepared: chain, into: &out, workspace: workspace, stream: stream)
        }, tokens: n, valueDimension: d)
        #expect(count == 0)
        #expect(reproducible)
        var direct = Matrix(rows: n, columns: d)
        estimator.estimate(inputs, into: &direct, stream: RandomStream(seed: 1, purpose: .estimatorDraws))
        #expect(direct.elements.elementsEqual(chain.apply(inputs.values).elements) { $0.bitPattern == $1.bitPattern })
    }

    /// Orthogonal projections come from a LAPACK QR factorisation of a d×d Gaussian block per d
    /// features (``RandomFeatureMap/drawProjections(_:sampling:stream:)``), which allocates its
    /// copies and work arrays; everything else of the draw reuses the workspace. So a draw
    /// allocates a fixed number of times per block: the same for every draw, doubling with the
    /// block count.
    @Test("a draw of Performer with orthogonal features allocates only per QR block (the same count every draw, proportional to the blocks)")
    func orthogonalPerformerAllocatesPerBlock() {
        let n = 64, d = 6
        let inputs = inputs(tokens: n, dimension: d, normalization: .softmax)
        func perDraw(features m: Int) -> [UInt64] {
            let estimator = PerformerAttention(features: m, sampling: .orthogonal), workspace = AttentionWorkspace()
            var out = Matrix(rows: n, columns: d)
            let streams = (0..<4).map { RandomStream(seed: 5, purpose: .estimatorDraws, index: UInt32($0)) }
            estimator.estimate(inputs, into: &out, workspace: workspace, stream: RandomStream(seed: 5, purpose: .estimatorDraws, index: 99))
            return streams.map { stream in allocations { estimator.estimate(inputs, into: &out, workspace: workspace, stream: stream) } }
        }
        let one = perDraw(features: d), two = perDraw(features: 2 * d)
        #expect(one[0] > 0)
        #expect(one.allSatisfy { $0 == one[0] })
        #expect(two.allSatisfy { $0 == 2 * one[0] })
    }

    @Test("RBA with batches above 255 tokens (scores in blocks of query rows) allocates nothing after the first draw")
    func blockedRandomBatchAllocatesNothing() {
        let n = 600, d = 6
        let inputs = inputs(tokens: n, dimension: d, normalization: .softmax)
        let estimator = RandomBatchAttention(batchSize: 300)
        let (count, reproducible) = steadyDraws({ out, workspace, stream in
            estimator.estimate(inputs, into: &out, workspace: workspace, stream: stream)
        }, tokens: n, valueDimension: d)
        #expect(count == 0)
        #expect(reproducible)
    }

    @Test("a draw of uniform and importance column sampling from its preparation allocates nothing",
          arguments: ["uniform-columns", "importance-columns"])
    func preparedColumnDrawsAllocateNothing(name: String) {
        let n = 64, d = 5
        let inputs = inputs(tokens: n, dimension: d, normalization: .softmax)
        func measure<E: ColumnSamplingAttention>(_ estimator: E) -> (UInt64, Bool) {
            let plan = estimator.prepare(inputs)
            return steadyDraws({ out, workspace, stream in
                estimator.estimate(inputs, prepared: plan, into: &out, workspace: workspace, stream: stream)
            }, tokens: n, valueDimension: d)
        }
        let (count, reproducible) = name == "uniform-columns" ? measure(UniformColumnAttention(samples: 40))
                                                              : measure(ImportanceColumnAttention(samples: 40))
        #expect(count == 0)
        #expect(reproducible)
    }

    /// One Euler step plus the retraction of the attention dynamics with RBA in the drift, as the
    /// work-precision trajectories and `rbm-bench structured` run it.
    @Test("an attention-dynamics step with RBA or exact attention allocates nothing after the first (identity and random maps, sphere and Euclidean)",
          arguments: [(AttentionGeometry.sphere, false, false), (.sphere, true, false), (.euclidean, true, false), (.sphere, false, true)])
    func attentionDynamicsStepAllocatesNothing(geometry: AttentionGeometry, randomMaps: Bool, exact: Bool) throws {
        let n = 130, d = 5
        let maps: AttentionMaps = randomMaps ? .random(d, stream: RandomStream(seed: 2, purpose: .configuration)) : .identity(d)
        let dynamics = AttentionDynamics(tokens: n, dimension: d, maps: maps, beta: 1, normalization: .softmax, geometry: geometry)
        let estimator: any AttentionEstimator = exact ? ExactAttention() : RandomBatchAttention(batchSize: 16)
        // An existential, as the studies hold it.
        let drift: any Drift = AttentionDrift(dynamics: dynamics, estimator: estimator)
        var x = try TokenSet.uniformSphere.tokens(count: n, dimension: d, stream: RandomStream(seed: 2, purpose: .initialCondition)).elements
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let stream = RandomStream(seed: 2, purpose: .batchPartition)
        let integrator = EulerMaruyamaIntegrator()
        func step() {
            integrator.step(&x, timeStep: 0.01, brownianIncrement: nil, drift: drift, workspace: workspace, stream: stream)
            drift.retract(&x)
        }
        step()
        #expect(allocations { for _ in 0..<Self.repeats { step() } } == 0)
        #expect(x.allSatisfy { $0.isFinite })
    }
}
