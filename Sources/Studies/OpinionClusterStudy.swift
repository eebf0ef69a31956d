import Foundation
import Estimators
import NumericsCore
import ParticleSystems

/// The number of opinion clusters over time (`rbm-study convergence --system opinion`, companion
/// of the convergence study on the same configuration, initial states, Brownian paths and batch
/// streams).
///
/// For every trajectory: the exact system by Euler–Maruyama at the reference step h = finest τ /
/// r (for σ > 0 the convergence study's reference itself, on the same Brownian path; for σ = 0
/// the same scheme, since an adaptive integrator gains nothing at the kernel's discontinuities),
/// and RBM-EM at the finest τ for every batch size p (the study's runs: same keyed streams, the
/// Brownian path summed to τ). At K checkpoints tⱼ = j·T/K (K ≤ 8, the largest the grid allows)
/// and at t = 0 it counts the clusters (``OpinionClusters``: maximal groups whose sorted gaps are
/// below r/2 = 0.5) and reports the mean over trajectories ± 1 SE, for the exact system, for RBM,
/// and for the paired difference RBM − exact (same start and noise). Cost per trajectory:
/// (T/h)·N² + Σ_p (T/τ)·N(p−1) pair interactions.
public enum OpinionClusterStudy {
    public static func run(_ c: ConvergenceConfiguration, clusters: OpinionClusters = OpinionClusters()) throws -> OpinionClusterReport {
        let start = Date()
        try c.validate()
        let problem = ReferenceProblem.opinion.make(particles: c.particles, dimension: 1, noise: c.noise)
        let n = problem.particles, size = n
        let h = c.referenceStep
        let finest = c.timeSteps.indices.min { c.timeSteps[$0] < c.timeSteps[$1] }!
        let tau = c.timeSteps[finest], ratio = Int((tau / h).rounded())
        let fineSteps = c.steps(of: h), coarseSteps = c.steps(of: tau)
        let k = (1...8).reversed().first { coarseSteps % $0 == 0 } ?? 1
        let sizes = c.batchSizes, levelRank = c.timeStepRanks[finest], sizeRanks = c.batchSizeRanks
        struct Record { var exact: [Double] = []; var rbm: [[Double]] = []; var nonFinite = 0 }
        var records = [Record](repeating: Record(), count: c.trajectories)
        records.withUnsafeMutableBufferPointer { slots in
            let slots = DisjointOutput(slots)  // trajectory m writes only slot m
            parallelForEach(c.trajectories, threads: c.threads) { m in
                let t64 = UInt64(m)
                var initial = [Double](repeating: 0, count: size)
                problem.initialCondition.fill(&initial, particles: n, dimension: 1,
                                              stream: RandomStream(seed: c.seed, trajectory: t64, purpose: .initialCondition))
                let noisy = problem.noise > 0
                let workspace = IntegratorWorkspace(particles: n, dimension: 1)
                let unused = RandomStream(seed: c.seed, trajectory: t64, purpose: .estimatorDraws)
                let euler = EulerMaruyamaIntegrator()
                var record = Record()
                let initialCount = Double(clusters.count(initial))
                // The exact system at h, drawing the study's fine increments one step at a time and
                // summing them into RBM's coarse path (memory O((T/τ)·N), as the study's paths).
                var coarsePath = [Double](repeating: 0, count: noisy ? coarseSteps * size : 0)
                let brownian = RandomStream(seed: c.seed, trajectory: t64, purpose: .brownianNoise)
                var increment = [Double](repeating: 0, count: size)
                let exactDrift = ParticleDrift(problem: problem, estimator: ExactInteractionSum())
                var exact = initial
                var counts = [initialCount]
                let interval = fineSteps / k
                for s in 0..<fineSteps {
                    if noisy {
                        brownian.fillGaussian(&increment, scale: h.squareRoot())
                        for e in 0..<size { coarsePath[(s / ratio) * size + e] += increment[e] }
                        increment.withUnsafeBufferPointer { dW in
                            euler.step(&exact, timeStep: h, brownianIncrement: dW, drift: exactDrift, workspace: workspace, stream: unused)
                        }
                    } else {
                        euler.step(&exact, timeStep: h, brownianIncrement: nil, drift: exactDrift, workspace: workspace, stream: unused)
                    }
                    if !exact.allSatisfy({ $0.isFinite }) { record.nonFinite += 1; break }
                    if (s + 1) % interval == 0 { counts.append(Double(clusters.count(exact))) }
                }
                record.exact = counts + Array(repeating: .nan, count: k + 1 - counts.count)
                for (b, p) in sizes.enumerated() {
                    let batches = RandomStream(seed: c.seed, trajectory: t64, purpose: .batchPartition,
                                               index: UInt32(levelRank << 12 | sizeRanks[b]))
                    var x = initial
                    var rbmCounts = [initialCount]
                    let outcome = euler.integrate(&x, timeStep: tau, steps: coarseSteps,
                                                  drift: ParticleDrift(problem: problem, estimator: RandomBatchInteractionSum(batchSize: p)),
                                                  brownianPath: noisy ? coarsePath : nil, workspace: workspace, stream: batches, checkpoints: k) { _, state in
                        rbmCounts.append(Double(clusters.count(state)))
                    }
                    if outcome.nonFiniteStep != nil { record.nonFinite += 1 }
                    record.rbm.append(rbmCounts + Array(repeating: .nan, count: k + 1 - rbmCounts.count))
                }
                slots[m] = record
            }
        }
        let nonFinite = records.reduce(0) { $0 + $1.nonFinite }
        let times = (0...k).map { c.horizon * Double($0) / Double(k) }
        var rows: [OpinionClusterReport.Row] = []
        if nonFinite == 0 {
            for (j, t) in times.enumerated() {
                rows.append(.init(time: t, exact: countMean(records.map { $0.exact[j] }),
                                  randomBatch: sizes.indices.map { b in countMean(records.map { $0.rbm[b][j] }) },
                                  difference: sizes.indices.map { b in countMean(records.map { $0.rbm[b][j] - $0.exact[j] }) }))
            }
        }
        return OpinionClusterReport(particles: n, noise: problem.noise, horizon: c.horizon, trajectories: c.trajectories,
                                    gapThreshold: clusters.gapThreshold, referenceStep: h, timeStep: tau, batchSizes: sizes,
                                    rows: rows, nonFiniteRuns: nonFinite, wallSeconds: Date().timeIntervalSince(start))
    }
}

/// The mean of integer counts ± its SE: the sum of integers (exact in floating point below 2⁵³)
/// divided once, so that a mean difference of zero prints as 0, not as rounding residue.
func countMean(_ counts: [Double]) -> Estimate {
    let m = Double(counts.count)
    let mean = counts.reduce(0, +) / m
    let variance = counts.count > 1 ? counts.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (m - 1) : .nan
    return Estimate(value: mean, standardError: (variance / m).squareRoot(), count: counts.count)
}

/// What ``OpinionClusterStudy`` measures (JSON `opinion-clusters.json`): cluster counts, mean
/// over trajectories ± 1 SE.
public struct OpinionClusterReport: Codable, Sendable {
    public var schema = "rbm-study/opinion-clusters/1"
    public var particles: Int
    public var noise: Double
    public var horizon: Double
    public var trajectories: Int
    public var gapThreshold: Double
    /// The exact system's Euler–Maruyama step h and RBM's τ.
    public var referenceStep: Double
    public var timeStep: Double
    public var batchSizes: [Int]
    public var rows: [Row]
    public var nonFiniteRuns: Int
    public var wallSeconds: Double

    public struct Row: Codable, Sendable {
        public var time: Double
        public var exact: Estimate
        /// One per batch size.
        public var randomBatch: [Estimate]
        /// RBM − exact on the same start and noise, one per batch size.
        public var difference: [Estimate]
    }
}
