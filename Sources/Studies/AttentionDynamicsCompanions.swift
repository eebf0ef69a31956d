import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore

/// The three companion experiments the attention-dynamics notebook reports beside an attention
/// convergence study, on the same model and seed:
///
/// 1. the same study with the other normalisation (mean-field order 1/2 against the softmax floor);
/// 2. the RMS bias of plain and weight-corrected RBA against p = 2, 4, …, N/2 at the first
///    trajectory's tokens (``AttentionBias``, 400 draws per point), with the weighted log-log
///    slope of bias against p;
/// 3. one exact trajectory of SA and of USA over the horizon max(30, 10·T), recording the energy
///    and the cluster count (``AttentionClustering``).
///
/// Cost: one more convergence study, 2·log₂(N/2)·400 attention draws, and two exact trajectories.
public struct AttentionDynamicsCompanions: Sendable {
    /// The study with softmax (SA) normalisation: the given one or its companion.
    public var softmax: ConvergenceReport
    /// The study with mean-field (USA) normalisation: the given one or its companion.
    public var meanField: ConvergenceReport
    /// The batch sizes of the bias experiment.
    public var biasBatchSizes: [Int]
    /// Plain ("rba") and weight-corrected ("rba-corrected") RMS bias at each batch size.
    public var bias: [AttentionBiasPoint]
    /// Weighted least-squares slope of log RMS bias on log p with its SE (weights (value/SE)²),
    /// nil with fewer than two usable points.
    public var plainBiasSlope: (slope: Double, standardError: Double)?
    public var correctedBiasSlope: (slope: Double, standardError: Double)?
    /// The horizon of the clustering trajectories.
    public var clusteringHorizon: Double
    /// One exact trajectory per normalisation (label = the normalisation's raw value).
    public var clustering: [(label: String, samples: [ClusteringSample])]

    /// Runs the three experiments for the attention convergence study `report`.
    public static func run(_ report: ConvergenceReport) throws -> AttentionDynamicsCompanions {
        let c = report.configuration
        var companion = c
        companion.attention.normalization = c.attention.normalization == .softmax ? .meanField : .softmax
        let other = try ConvergenceStudy.run(companion)
        let (softmax, meanField) = c.attention.normalization == .softmax ? (report, other) : (other, report)

        var setup = c.attention
        setup.tokens = c.particles
        setup.dimension = c.dimension
        setup.normalization = .softmax
        let inputs = try setup.inputs(seed: c.seed, index: 0)
        let exact = ExactAttention(threads: c.threads).evaluate(inputs)
        var sizes: [Int] = []
        var p = 2
        while p <= c.particles / 2 { sizes.append(p); p *= 2 }
        let bias: [AttentionBiasPoint] = RandomBatchAttention.Weighting.allCases.flatMap { weighting in
            sizes.map { p in
                AttentionBias.measure(RandomBatchAttention(batchSize: p, weighting: weighting), inputs: inputs, exact: exact,
                                      draws: 400, seed: c.seed, streamIndex: UInt32(p), threads: c.threads)
            }
        }

        let initial = try setup.initialTokens(seed: c.seed, index: 0).elements
        let horizon = max(30, 10 * c.horizon)
        let clustering: [(label: String, samples: [ClusteringSample])] = try AttentionNormalization.allCases.map { normalization in
            var s = setup
            s.normalization = normalization
            return (normalization.rawValue, AttentionClustering.trajectory(try s.dynamics(seed: c.seed), initial: initial, horizon: horizon))
        }
        return AttentionDynamicsCompanions(
            softmax: softmax, meanField: meanField, biasBatchSizes: sizes, bias: bias,
            plainBiasSlope: biasSlope(bias.filter { $0.estimator == "rba" }),
            correctedBiasSlope: biasSlope(bias.filter { $0.estimator == "rba-corrected" }),
            clusteringHorizon: horizon, clustering: clustering)
    }

    static func biasSlope(_ points: [AttentionBiasPoint]) -> (slope: Double, standardError: Double)? {
        let usable = points.filter { $0.rmsBias.value > 0 && $0.rmsBias.standardError > 0 }
        guard usable.count >= 2, let fit = try? WeightedLinearFit(
            x: usable.map { log($0.size!) }, y: usable.map { log($0.rmsBias.value) },
            weights: usable.map { pow($0.rmsBias.value / $0.rmsBias.standardError, 2) }) else { return nil }
        return (fit.slope, fit.cov11.squareRoot())
    }
}
