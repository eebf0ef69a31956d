import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import Synchronization
import ParticleSystems

/// Work–precision of attention estimators at one fixed configuration:
///
/// - **error**: for every selected estimator and size, ‖Ô − O‖_F/‖O‖_F and ‖Ô − O‖₂/‖O‖₂ against
///   the estimator's exact target O (softmax or mean-field attention, or its own kernel, e.g.
///   SOFT's Gaussian kernel), mean ± SE over `draws` independent draws. A method is treated as
///   deterministic (one draw, SE 0) when its first two draws, from different streams, agree bit
///   for bit.
/// - **cost**, counted: expected pair interactions per token (``AttentionEstimator/expectedCost(tokens:)``)
///   and flops (``FlopCounting``, else 2(d_k + d_v) per pair interaction); measured: median wall
///   time of one call over `repeats`, with single-threaded BLAS, one call at a time.
/// - **Pareto front** of (flops, error) and of (seconds, error) among rows with the same target.
/// - **inside the dynamics** (sampling schemes: RBA and the schemes of ``AttentionEstimatorCatalog``'s
///   sampling file): `steps` Euler steps of the attention dynamics from the configuration, driven
///   by the estimator, against the same steps with exact attention; RMS token error at the final
///   time, mean ± SE over trajectories, against the pair interactions per token of the trajectory.
///
/// Streams are keyed by (seed, h·2³² + draw or trajectory, purpose, estimator's catalog position · 2¹²)
/// with h a 32-bit FNV-1a hash of the size's value, so errors depend neither on the thread count nor on
/// the order or the other entries of `--sizes`; only the times vary.
public enum WorkPrecisionStudy {
    struct Task {
        let entry: EstimatorEntry<any AttentionEstimator>
        let size: Double
        let streamIndex: UInt32
        /// The size's hash, in the high 32 bits of every stream's trajectory number.
        let sizeKey: UInt64
    }

    struct Measured {
        var frobenius: Estimate
        var spectral: Estimate
        var random: Bool
    }

    /// One measured (estimator, size), of the error part or of the trajectory part: the unit a
    /// journal records and a resumed study reuses (timings of the error part are measured again).
    public struct Unit: Codable, Sendable {
        /// "error/estimator/size" or "trajectory/estimator/size".
        public var key: String
        public var error: Estimate
        public var spectralError: Estimate?
        public var random: Bool?
        /// Median seconds of a trajectory (trajectory part).
        public var seconds: Double?
    }

    /// Runs the study. `record` receives every unit as soon as it is measured (from worker threads);
    /// units in `completed` (keyed by ``Unit/key``) are used as they are.
    public static func run(_ c: WorkPrecisionConfiguration, progress: (@Sendable (Int, Int) -> Void)? = nil,
                           record: (@Sendable (Unit) -> Void)? = nil, completed: [String: Unit] = [:]) throws -> WorkPrecisionReport {
        try c.validate()
        let start = Date()
        let (n, d) = try c.attention.resolvedShape()
        var (plan, warnings) = try c.plan(tokens: n)
        let inputs = try c.attention.inputs(seed: c.seed, index: 0)
        BLAS.setThreads(1)
        let exactOutput = ExactAttention().evaluate(inputs)
        let referenceError = ExactAttention().referenceError(inputs, output: exactOutput,
                                                             stream: RandomStream(seed: c.seed, purpose: .bootstrap))
        let catalogNames = AttentionEstimatorCatalog.names
        var tasks: [Task] = []
        for (entry, sizes) in plan {
            let position = UInt32(catalogNames.firstIndex(of: entry.name) ?? 0)
            for size in sizes {
                let sizeKey = UInt64(VarianceSweepStudy.fnv1a("\(size)")) << 32
                tasks.append(Task(entry: entry, size: size, streamIndex: position << 12, sizeKey: sizeKey))
            }
        }
        let trajectoryTasks = c.dynamics ? tasks.filter { trajectoryEstimatorNames.contains($0.entry.name) } : []
        let total = tasks.count + trajectoryTasks.count
        let counter = Counter()

        // Targets: one per entry, labelled and grouped by value.
        var targets: [String: (label: String, matrix: Matrix)] = [:]
        var distinct: [(label: String, matrix: Matrix)] = [("attention", exactOutput)]
        for (entry, sizes) in plan {
            let estimator = entry.make(sizes[0])
            let target = estimator.exactTarget(inputs)
            if let known = distinct.first(where: { $0.matrix.elements == target.elements || maxDifference($0.matrix, target) <= 1e-12 * maxAbs(target) }) {
                targets[entry.name] = (known.label, known.matrix)
            } else {
                let label = estimator is SoftAttention ? "gaussian-kernel" : "kernel-of-\(entry.name)"
                distinct.append((label, target))
                targets[entry.name] = (label, target)
            }
        }

        // Errors, in parallel over (estimator, size).
        var measured = [Measured?](repeating: nil, count: tasks.count)
        let draws = c.draws, seed = c.drawSeed ?? c.seed
        measured.withUnsafeMutableBufferPointer { slots in
            let slots = DisjointOutput(slots)  // task t writes only slot t
            parallelForEach(tasks.count, threads: c.threads) { [tasks, targets] t in
                let task = tasks[t]
                let key = "error/\(task.entry.name)/\(task.size)"
                if let unit = completed[key], let spectral = unit.spectralError, let random = unit.random {
                    slots[t] = Measured(frobenius: unit.error, spectral: spectral, random: random)
                } else {
                    let m = measure(task, inputs: inputs, target: targets[task.entry.name]!.matrix, draws: draws, seed: seed)
                    slots[t] = m
                    record?(Unit(key: key, error: m.frobenius, spectralError: m.spectral, random: m.random, seconds: nil))
                }
                progress?(counter.increment(), total)
            }
        }

        // Times, one call at a time.
        var rows: [WorkPrecisionRow] = []
        let exactSeconds = medianSeconds(repeats: c.repeats) { _ = ExactAttention().evaluate(inputs) }
        rows.append(WorkPrecisionRow(estimator: "exact", size: Double(n), sizeName: "N (all keys)", random: false, target: "attention",
                                     error: Estimate(value: 0, standardError: 0, count: 1), errorCI95: [0, 0], errorReliable: true,
                                     spectralError: Estimate(value: 0, standardError: 0, count: 1),
                                     cost: Double(n), flops: genericFlops(ExactAttention(), inputs),
                                     seconds: exactSeconds, pareto: false, paretoSeconds: false, front: .front))
        for (t, task) in tasks.enumerated() {
            let estimator = task.entry.make(task.size)
            let stream = RandomStream(seed: seed, trajectory: task.sizeKey | UInt64(draws), purpose: .estimatorDraws, index: task.streamIndex)
            var out = Matrix(rows: n, columns: inputs.valueDimension)
            let workspace = AttentionWorkspace()
            let seconds = medianSeconds(repeats: c.repeats) { estimator.estimate(inputs, into: &out, workspace: workspace, stream: stream) }
            let m = measured[t]!
            rows.append(WorkPrecisionRow(estimator: task.entry.name, size: task.size, sizeName: task.entry.sizeName, random: m.random,
                                         target: targets[task.entry.name]!.label, error: m.frobenius,
                                         errorCI95: interval95(m.frobenius),
                                         errorReliable: !(m.frobenius.standardError > WorkPrecisionRow.maximumRelativeStandardError * abs(m.frobenius.value)),
                                         spectralError: m.spectral,
                                         cost: estimator.expectedCost(tokens: n), flops: genericFlops(estimator, inputs),
                                         seconds: seconds, pareto: false, paretoSeconds: false, front: .front))
        }
        let groups = rows.map(\.target), errors = rows.map(\.error.value)
        // The flops front is the noise-aware status's `.front` (its plain Pareto flag).
        let fronts = ParetoStatus.classify(cost: rows.map(\.flops), error: rows.map(\.error), group: groups)
        let bySeconds = WorkPrecisionReport.paretoFlags(cost: rows.map(\.seconds), error: errors, group: groups)
        for k in rows.indices { rows[k].front = fronts[k]; rows[k].pareto = fronts[k] == .front; rows[k].paretoSeconds = bySeconds[k] }
        for r in rows where !r.error.value.isFinite {
            warnings.append("\(r.estimator) at size \(format(r.size)) produced non-finite output (error reported as null)")
        }

        // Inside the dynamics.
        var trajectoryRows: [WorkPrecisionTrajectoryRow] = []
        if !trajectoryTasks.isEmpty {
            let dynamics = try c.attention.dynamics(seed: c.seed)
            let initial = try c.attention.initialTokens(seed: c.seed, index: 0).elements
            let reference = integrate(initial, dynamics: dynamics, estimator: ExactAttention(), steps: c.steps, dt: c.timeStep,
                                      stream: RandomStream(seed: seed, purpose: .batchPartition))
            var results = [(Estimate, Double)?](repeating: nil, count: trajectoryTasks.count)
            let trajectories = c.trajectories, steps = c.steps, dt = c.timeStep
            results.withUnsafeMutableBufferPointer { slots in
                let slots = DisjointOutput(slots)  // task t writes only slot t
                parallelForEach(trajectoryTasks.count, threads: c.threads) { t in
                    let task = trajectoryTasks[t]
                    let key = "trajectory/\(task.entry.name)/\(task.size)"
                    if let unit = completed[key], let seconds = unit.seconds {
                        slots[t] = (unit.error, seconds)
                        progress?(counter.increment(), total)
                        return
                    }
                    let estimator = task.entry.make(task.size)
                    var errors = RunningMoments(), times: [Double] = []
                    for trajectory in 0..<trajectories {
                        let stream = RandomStream(seed: seed, trajectory: task.sizeKey | UInt64(trajectory), purpose: .batchPartition, index: task.streamIndex)
                        let begin = DispatchTime.now().uptimeNanoseconds
                        let x = integrate(initial, dynamics: dynamics, estimator: estimator, steps: steps, dt: dt, stream: stream)
                        times.append(Double(DispatchTime.now().uptimeNanoseconds - begin) * 1e-9)
                        let squared = zip(x, reference).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                        errors.add((squared / Double(n)).squareRoot())
                    }
                    slots[t] = (errors.meanEstimate, median(times))
                    record?(Unit(key: key, error: errors.meanEstimate, spectralError: nil, random: nil, seconds: median(times)))
                    progress?(counter.increment(), total)
                }
            }
            for (t, task) in trajectoryTasks.enumerated() {
                let (error, seconds) = results[t]!
                trajectoryRows.append(WorkPrecisionTrajectoryRow(
                    estimator: task.entry.name, size: task.size, dt: c.timeStep, steps: c.steps, trajectories: c.trajectories,
                    error: error, errorCI95: interval95(error), cost: task.entry.make(task.size).expectedCost(tokens: n) * Double(c.steps), seconds: seconds,
                    pareto: false))
            }
            let flags = WorkPrecisionReport.paretoFlags(cost: trajectoryRows.map(\.cost), error: trajectoryRows.map(\.error.value),
                                                        group: trajectoryRows.map { _ in "" })
            for k in trajectoryRows.indices { trajectoryRows[k].pareto = flags[k] }
        }

        let manifest = RunManifest(seed: c.seed, command: "", threads: c.threads, wallSeconds: Date().timeIntervalSince(start))
        return WorkPrecisionReport(manifest: manifest, configuration: c, tokens: n, dimension: d,
                                   keyDimension: inputs.keyDimension, valueDimension: inputs.valueDimension,
                                   referenceError: referenceError, rows: rows, trajectoryRows: trajectoryRows,
                                   summary: WorkPrecisionSummary.lines(rows: rows, trajectoryRows: trajectoryRows), warnings: warnings)
    }

    /// The estimators of the trajectory part: RBA and the sampling schemes.
    static var trajectoryEstimatorNames: Set<String> {
        Set((AttentionEstimatorCatalog.randomBatch + AttentionEstimatorCatalog.samplingSchemes).map(\.name))
    }

    /// Relative Frobenius and spectral errors over draws of one (estimator, size).
    static func measure(_ task: Task, inputs: AttentionInputs, target: Matrix, draws: Int, seed: UInt64) -> Measured {
        let estimator = task.entry.make(task.size)
        let targetFrobenius = frobeniusNorm(target.elements)
        let targetSpectral = (try? SingularValueDecomposition.spectralNorm(target)) ?? .nan
        var frobenius = RunningMoments(), spectral = RunningMoments()
        var first: [Double] = []
        var random = true
        var output = Matrix(rows: inputs.tokens, columns: inputs.valueDimension)
        let workspace = AttentionWorkspace()
        for draw in 0..<draws {
            let stream = RandomStream(seed: seed, trajectory: task.sizeKey | UInt64(draw), purpose: .estimatorDraws, index: task.streamIndex)
            estimator.estimate(inputs, into: &output, workspace: workspace, stream: stream)
            if draw == 0 { first = output.elements }
            if draw == 1 && output.elements == first { random = false; break }
            var difference = output
            for k in difference.elements.indices { difference.elements[k] -= target.elements[k] }
            let f = frobeniusNorm(difference.elements) / targetFrobenius
            let s = difference.elements.allSatisfy(\.isFinite)
                ? ((try? SingularValueDecomposition.spectralNorm(difference)) ?? .nan) / targetSpectral : .nan
            frobenius.add(f)
            spectral.add(s)
        }
        func estimate(_ m: RunningMoments) -> Estimate {
            m.count == 1 ? Estimate(value: m.mean, standardError: 0, count: 1) : m.meanEstimate
        }
        return Measured(frobenius: estimate(frobenius), spectral: estimate(spectral), random: random)
    }

    /// mean ± t·SE with count − 1 degrees of freedom; [e, e] for a single (deterministic) draw.
    static func interval95(_ e: Estimate) -> [Double] {
        guard e.count > 1 else { return [e.value, e.value] }
        let half = Distributions.studentT95(degreesOfFreedom: Double(e.count - 1)) * e.standardError
        return [e.value - half, e.value + half]
    }

    /// ‖x‖₂, rescaled by max |xₖ| when the plain sum of squares overflows (entries beyond ~1e154, as
    /// mean-field attention gives at β ≳ 355) so that relative errors stay finite whenever x is.
    static func frobeniusNorm(_ x: [Double]) -> Double {
        let plain = x.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard plain == .infinity else { return plain }
        let largest = x.reduce(0.0) { max($0, abs($1)) }
        guard largest.isFinite else { return plain }
        return largest * x.reduce(0) { $0 + ($1 / largest) * ($1 / largest) }.squareRoot()
    }

    /// Flops of one call: exact when the estimator counts them, else 2(d_k + d_v) per pair interaction.
    static func genericFlops(_ estimator: any AttentionEstimator, _ inputs: AttentionInputs) -> Double {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension
        if let counted = estimator as? any FlopCounting { return counted.flops(tokens: n, keyDimension: dk, valueDimension: dv) }
        return estimator.expectedCost(tokens: n) * Double(n) * Double(2 * (dk + dv))
    }

    /// Euler steps of the attention dynamics with `estimator` in the drift (retracted onto the
    /// sphere after each step for the sphere geometry).
    static func integrate(_ initial: [Double], dynamics: AttentionDynamics, estimator: any AttentionEstimator,
                          steps: Int, dt: Double, stream: RandomStream) -> [Double] {
        var x = initial
        let drift = AttentionDrift(dynamics: dynamics, estimator: estimator)
        let workspace = IntegratorWorkspace(particles: dynamics.tokens, dimension: dynamics.dimension)
        EulerMaruyamaIntegrator().integrate(&x, timeStep: dt, steps: steps, drift: drift, workspace: workspace, stream: stream)
        return x
    }

    /// Median wall time of `repeats` calls (seconds).
    static func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
        median((0..<repeats).map { _ in
            let begin = DispatchTime.now().uptimeNanoseconds
            body()
            return Double(DispatchTime.now().uptimeNanoseconds - begin) * 1e-9
        })
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
    }

    static func maxDifference(_ a: Matrix, _ b: Matrix) -> Double {
        zip(a.elements, b.elements).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
    }

    static func maxAbs(_ a: Matrix) -> Double { a.elements.reduce(0.0) { max($0, abs($1)) } }

    final class Counter: Sendable {
        private let value = Atomic<Int>(0)
        func increment() -> Int { value.wrappingAdd(1, ordering: .relaxed).newValue }
    }
}
