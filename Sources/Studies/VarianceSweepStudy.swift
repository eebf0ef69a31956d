import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import ParticleSystems

/// The variance sweep: every estimator at every size, measured statically at fixed configurations
/// (``EstimatorDrawStatistics``) and compared with its closed-form law (``InteractionSumVarianceLaw``,
/// ``AttentionVarianceLaw``), then a weighted fit of log variance against log theory per estimator.
///
/// **Streams.** Configuration c of a particle system is drawn from (seed, c, configuration); of
/// attention from ``AttentionSetup/inputs(seed:index:)``. Draw r of a row is made from
/// (seed, trajectory = c·2³² + h, estimatorDraws, index = r) with h a 32-bit FNV-1a hash of
/// "system/estimator/size", so a row's numbers do not depend on the other rows, on their order or
/// on the thread count (draws run in fixed shards merged in order; BLAS is set to one thread
/// when the sweep runs several).
public enum VarianceSweepStudy {
    /// One measured (row, configuration): the unit a journal records and a resumed sweep reuses.
    public struct Unit: Codable, Sendable {
        /// "system/estimator/size/configuration".
        public var key: String
        public var summary: EstimatorDrawStatistics.Summary
        /// The closed-form variance per particle, when one exists.
        public var theory: Double?
    }

    /// Runs the sweep. `record` receives every unit as soon as it is measured (for a journal);
    /// units in `completed` (keyed by ``Unit/key``, from an interrupted sweep) are used as they are,
    /// so the report is the one an uninterrupted sweep gives.
    public static func run(_ c: VarianceSweepConfiguration, progress: ((Int, Int) -> Void)? = nil,
                           record: ((Unit) -> Void)? = nil, completed: [String: Unit] = [:]) throws -> VarianceSweepReport {
        try c.validate()
        let start = Date()
        if c.threads > 1 { BLAS.setThreads(1) }
        var plan: [(system: String, entry: SweepEstimatorEntry, size: Double, count: Int)] = []
        for system in c.systems {
            let n = try c.count(system: system)
            for name in c.estimatorNames(system: system) {
                let entry = try SweepEstimatorEntry(system: system, name: name, option: "--estimators", yosoBits: c.yosoBits,
                                                    normalization: c.attention.normalization)
                for size in try c.plannedSizes(system: system, estimator: name, count: n) {
                    plan.append((system, entry, size, n))
                }
            }
        }
        var rows: [VarianceSweepRow] = []
        var warnings: [String] = []
        let total = plan.count * c.configurations
        var done = 0
        var particleCache: [String: [ParticleCase]] = [:]
        var attentionCache: [AttentionInputs] = []
        for item in plan {
            var summaries: [EstimatorDrawStatistics.Summary] = [], theories: [Double?] = []
            let rowKey = fnv1a("\(item.system)/\(item.entry.name)/\(item.size)")
            for configuration in 0..<c.configurations {
                let key = (UInt64(configuration) << 32) | UInt64(rowKey)
                let unitKey = "\(item.system)/\(item.entry.name)/\(item.size)/\(configuration)"
                if let known = completed[unitKey] {
                    summaries.append(known.summary)
                    theories.append(known.theory)
                } else if let estimator = item.entry.particleEstimator(item.size) {
                    if particleCache[item.system] == nil {
                        particleCache[item.system] = (0..<c.configurations).map {
                            ParticleCase(system: item.system, particles: item.count, dimension: c.dimension(system: item.system),
                                         seed: c.seed, index: $0, threads: c.threads)
                        }
                    }
                    let subject = particleCache[item.system]![configuration]
                    let law = (estimator as? any InteractionSumVarianceLaw).map {
                        $0.theoreticalMeanSquaredError(subject.moments).reduce(0, +)
                    }
                    summaries.append(subject.measure(estimator, draws: c.draws, threads: c.threads, seed: c.seed, key: key,
                                                     theoreticalVariance: law))
                    theories.append(law.map { $0 / Double(item.count) })
                } else if let estimator = item.entry.attentionEstimator(item.size) {
                    if attentionCache.isEmpty {
                        attentionCache = try (0..<c.configurations).map { try c.resolvedAttention.inputs(seed: c.seed, index: $0) }
                    }
                    let inputs = attentionCache[configuration]
                    let law = ((estimator as? any AttentionVarianceLaw)?.theoreticalMeanSquaredError(inputs)).map { $0.reduce(0, +) }
                    summaries.append(measureAttention(estimator, inputs, draws: c.draws, threads: c.threads, seed: c.seed, key: key,
                                                      theoreticalVariance: law))
                    theories.append(law.map { $0 / Double(inputs.tokens) })
                }
                if completed[unitKey] == nil, let summary = summaries.last {
                    record?(Unit(key: unitKey, summary: summary, theory: theories.last ?? nil))
                }
                done += 1
                progress?(done, total)
            }
            let row = assemble(item.system, item.entry, size: item.size, count: item.count, summaries: summaries,
                               theories: theories, configuration: c)
            warnings += row.warnings.map { "\(row.system) \(row.estimator) size \(row.size): \($0)" }
            rows.append(row)
        }
        let fits = fitLaws(rows)
        var manifest = RunManifest(seed: c.seed, command: "", threads: c.threads, wallSeconds: 0)
        manifest.wallSeconds = Date().timeIntervalSince(start)
        return VarianceSweepReport(manifest: manifest, configuration: c, rows: rows, fits: fits,
                                   summary: VarianceSweepSummary.lines(rows: rows, fits: fits), warnings: warnings)
    }

    /// Measures an attention estimator at fixed inputs with draws from (seed, key, estimatorDraws, r);
    /// prepares once when the estimator supports it (``PreparedAttentionEstimator``), and each worker
    /// thread draws into one output matrix with one ``AttentionWorkspace`` (no allocation per draw). `theoreticalVariance`
    /// is the closed-form Σᵢ E‖Ôᵢ − Oᵢ‖² for the zero-bias test, when one exists.
    public static func measureAttention(_ estimator: any AttentionEstimator, _ inputs: AttentionInputs, draws: Int,
                                        threads: Int, seed: UInt64, key: UInt64,
                                        theoreticalVariance: Double? = nil) -> EstimatorDrawStatistics.Summary {
        let target = estimator.exactTarget(inputs).elements
        let draw = drawer(estimator, inputs)
        return EstimatorDrawStatistics.measure(target: target, rows: inputs.tokens, draws: draws, threads: threads,
                                               theoreticalVariance: theoreticalVariance) {
            var out = Matrix(rows: inputs.tokens, columns: inputs.valueDimension)
            let workspace = AttentionWorkspace()
            return { r, buffer in
                draw(&out, workspace, RandomStream(seed: seed, trajectory: key, purpose: .estimatorDraws, index: UInt32(r)))
                // Copied, not assigned: sharing out's storage would make the next draw copy it.
                out.elements.withUnsafeBufferPointer { source in
                    buffer.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: source.baseAddress!, count: source.count) }
                }
            }
        }
    }

    /// One draw into a matrix with a workspace, from the preparation when the estimator has one.
    typealias Drawer = @Sendable (inout Matrix, AttentionWorkspace, RandomStream) -> Void

    static func drawer(_ estimator: any AttentionEstimator, _ inputs: AttentionInputs) -> Drawer {
        if let prepared = estimator as? any PreparedAttentionEstimator { return preparedDrawer(prepared, inputs) }
        return { out, workspace, stream in estimator.estimate(inputs, into: &out, workspace: workspace, stream: stream) }
    }

    static func preparedDrawer<E: PreparedAttentionEstimator>(_ estimator: E, _ inputs: AttentionInputs) -> Drawer {
        let preparation = estimator.prepare(inputs)
        return { out, workspace, stream in
            estimator.estimate(inputs, prepared: preparation, into: &out, workspace: workspace, stream: stream)
        }
    }

    /// One fixed particle configuration with its exact sum and term moments.
    struct ParticleCase {
        let problem: ParticleProblem
        let positions: [Double]
        let moments: InteractionTermMoments

        init(system: String, particles n: Int, dimension d: Int, seed: UInt64, index: Int, threads: Int) {
            problem = ReferenceProblem(rawValue: system)!.make(particles: n, dimension: d, noise: nil)
            var x = [Double](repeating: 0, count: n * d)
            problem.initialCondition.fill(&x, particles: n, dimension: d,
                                          stream: RandomStream(seed: seed, trajectory: UInt64(index), purpose: .configuration))
            positions = x
            moments = InteractionTermMoments(interaction: problem.interaction, positions: x, particles: n, dimension: d)
        }

        func measure(_ estimator: any InteractionSumEstimator, draws: Int, threads: Int, seed: UInt64, key: UInt64,
                     theoreticalVariance: Double?) -> EstimatorDrawStatistics.Summary {
            let n = problem.particles, d = problem.dimension, interaction = problem.interaction, x = positions
            return EstimatorDrawStatistics.measure(target: moments.mean, rows: n, draws: draws, threads: threads,
                                                   theoreticalVariance: theoreticalVariance) {
                let workspace = EstimatorWorkspace(particles: n)
                return { r, out in
                    let stream = RandomStream(seed: seed, trajectory: key, purpose: .estimatorDraws, index: UInt32(r))
                    x.withUnsafeBufferPointer { px in
                        out.withUnsafeMutableBufferPointer { py in
                            estimator.estimate(interaction: interaction, positions: px, particles: n, dimension: d,
                                               into: py, workspace: workspace, stream: stream)
                        }
                    }
                }
            }
        }
    }

    /// Combines the per-configuration summaries of one row.
    static func assemble(_ system: String, _ entry: SweepEstimatorEntry, size: Double, count n: Int,
                         summaries: [EstimatorDrawStatistics.Summary], theories: [Double?],
                         configuration c: VarianceSweepConfiguration) -> VarianceSweepRow {
        let k = Double(summaries.count)
        func average(_ values: [Estimate]) -> Estimate {
            Estimate(value: values.reduce(0) { $0 + $1.value } / k,
                     standardError: values.reduce(0) { $0 + $1.standardError * $1.standardError }.squareRoot() / k,
                     count: values.reduce(0) { $0 + $1.count })
        }
        let variance = average(summaries.map(\.variance))
        let mse = average(summaries.map(\.meanSquaredError))
        let bias = Estimate(value: (summaries.reduce(0) { $0 + $1.bias.value * $1.bias.value } / k).squareRoot(),
                            standardError: (summaries.reduce(0) { $0 + $1.bias.standardError * $1.bias.standardError } / k).squareRoot(),
                            count: variance.count)
        let test = ZeroBiasTest.combine(summaries.map(\.biasEvidence))
        let theory: Double? = theories.allSatisfy { $0 != nil } ? theories.reduce(0) { $0 + $1! } / k : nil
        var ratio: Double? = nil, ci: [Double]? = nil
        if let theory, theory > 0 {
            ratio = variance.value / theory
            ci = VarianceLawTest.ratioInterval(variance, theory: theory)
        }
        let kurtosis = summaries.map(\.kurtosis).filter(\.isFinite).max() ?? .nan
        let unbiased = entry.declaredUnbiased(size: size)
        var warnings: [String] = []
        if kurtosis > c.kurtosisWarning {
            warnings.append("kurtosis \(String(format: "%.3g", kurtosis)) > \(String(format: "%.3g", c.kurtosisWarning)): heavy tails, the variance's SE is unreliable")
        }
        let targetRMS = summaries.reduce(0) { $0 + $1.targetRMS } / k
        let law = VarianceLawTest.verdict(variance: variance, theory: theory, kurtosis: kurtosis,
                                          kurtosisThreshold: c.kurtosisWarning, targetRMS: targetRMS, draws: c.draws)
        let biasWords: String
        switch (test.verdict, unbiased) {
        case (.detected, true): biasWords = "bias detected (declared unbiased)"
        case (.detected, false): biasWords = "bias detected (declared biased)"
        case (.consistentWithUnbiased, true): biasWords = "unbiased"
        case (.consistentWithUnbiased, false): biasWords = "declared biased, bias not resolved"
        case (.inconclusive, _): biasWords = "bias inconclusive"
        }
        let verdict = "bias: \(biasWords); variance law: \(law.verdict.rawValue)"
        return VarianceSweepRow(system: system, estimator: entry.name, sizeName: entry.sizeName, size: size,
                                cost: entry.cost(size: size, count: n), draws: c.draws, configurations: summaries.count,
                                variance: variance, theoryVariance: theory, ratio: ratio, ratioCI95: ci, meanSquaredError: mse,
                                bias: bias, biasPValue: test.pValue, biasVerdict: test.verdict, biasRule: ZeroBiasTest.rule,
                                declaredUnbiased: unbiased, kurtosis: kurtosis,
                                targetRMS: targetRMS, varianceVerdict: law, verdict: verdict, warnings: warnings)
    }

    /// The tolerance of the fit verdict: a theory fit's slope must be 1 within ± this.
    public static let slopeTolerance = 0.05

    /// Per (system, estimator): log variance against log theory where every row has a positive
    /// theory, else against log cost (see ``VarianceSweepFit``).
    public static func fitLaws(_ rows: [VarianceSweepRow]) -> [VarianceSweepFit] {
        var fits: [VarianceSweepFit] = []
        var seen: [String] = []
        for row in rows where !seen.contains("\(row.system)/\(row.estimator)") {
            seen.append("\(row.system)/\(row.estimator)")
            let group = rows.filter { $0.system == row.system && $0.estimator == row.estimator }
                .filter { $0.variance.value > 0 && $0.variance.standardError > 0 && $0.variance.value.isFinite }
                .sorted { $0.size < $1.size }  // the fit's sums in size order: independent of the order of --sizes
            let useTheory = group.allSatisfy { ($0.theoryVariance ?? 0) > 0 }
            let x = group.map { log(useTheory ? $0.theoryVariance! : $0.cost) }
            let y = group.map { log($0.variance.value) }
            let w = group.map { ($0.variance.value / $0.variance.standardError) * ($0.variance.value / $0.variance.standardError) }
            guard group.count >= 2, Set(x).count >= 2, let fit = try? WeightedLinearFit(x: x, y: y, weights: w) else { continue }
            let dof = group.count - 2
            let birge = dof > 0 ? fit.chiSquared / Double(dof) : 1
            let scale = birge > 1 ? birge.squareRoot() : 1
            let t = birge > 1 ? Distributions.studentT95(degreesOfFreedom: Double(dof)) : 1.96
            let slopeCI = [fit.slope - t * scale * fit.slopeStandardError, fit.slope + t * scale * fit.slopeStandardError]
            let verdict = useTheory
                ? OrderVerdictRule.test(centre: fit.slope, lower: slopeCI[0], upper: slopeCI[1], band: (1 - slopeTolerance, 1 + slopeTolerance),
                                        trajectories: row.draws, subject: "slope 95% CI \(interval(slopeCI))",
                                        bandText: "1 ± \(format(slopeTolerance))", approaching: nil)
                : VerdictRecord(verdict: .notAssessed, rule: "no closed form: the slope against cost is descriptive", errorRate: "—",
                                trajectoriesToDecide: nil)
            fits.append(VarianceSweepFit(system: row.system, estimator: row.estimator, kind: useTheory ? .theory : .cost,
                                         points: group.count, slope: fit.slope, slopeCI95: slopeCI,
                                         intercept: fit.intercept,
                                         interceptCI95: [fit.intercept - t * scale * fit.interceptStandardError,
                                                         fit.intercept + t * scale * fit.interceptStandardError],
                                         expectedSlope: useTheory ? 1 : nil, chiSquared: fit.chiSquared,
                                         lackOfFitP: dof > 0 ? Distributions.chiSquaredUpperTail(fit.chiSquared, degreesOfFreedom: Double(dof)) : nil,
                                         scaleFactor: scale, verdict: verdict))
        }
        return fits
    }

    /// 32-bit FNV-1a.
    static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }
}
