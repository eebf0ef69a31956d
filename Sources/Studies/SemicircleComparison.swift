import Foundation
import NumericsCore
import ParticleSystems

/// Which run a semicircle distance describes.
public enum SemicircleRun: String, Codable, Sendable {
    /// The exact system at the reference step h (the study's reference).
    case reference
    /// The exact system at the row's τ (the same split step as the reference).
    case exact
    /// RBM at the row's batch size and τ.
    case randomBatch = "random-batch"
}

/// The distance of one run's empirical measure to the semicircle law at one time, averaged over
/// trajectories (JSON contract: `semicircle.rows[]`).
public struct SemicircleDistanceRow: Codable, Sendable {
    public var run: SemicircleRun
    /// The batch size (random-batch rows) or N (exact and reference rows).
    public var batchSize: Int
    /// τ (the reference step for the reference row).
    public var dt: Double
    public var t: Double
    /// Mean over trajectories of W₁(μ_N(t), semicircle(R(t))) ± SE.
    public var wasserstein1: Estimate
    /// Mean over trajectories of sup|F_N − F| ± SE.
    public var kolmogorov: Estimate
    /// Paired mean of W₁(this run) − W₁(reference) over the same trajectories (Brownian paths) ± SE;
    /// nil for the reference row.
    public var wasserstein1MinusReference: Estimate?
}

/// Dyson runs against the semicircle law of the mean-field limit, ρ(x, t) = 2/(πR²)√(R² − x²) with
/// R(t)² = 2 + (R(0)² − 2)e^{−2t} (drift (1/N)Σ 1/(λⱼ − λₖ), σ = √(2/(βN)), β = 2, R(0) = 1).
/// Every distance is a mean over trajectories with its standard error (independent trajectories);
/// no order or verdict is derived from them: the exact system's distance is dominated by the
/// finite-N fluctuations of the empirical measure (≈ 1/N up to logarithms for β-ensembles), and
/// RBM's excess over it is small against them on usual grids.
public struct SemicircleComparison: Codable, Sendable {
    public var normalisation: String
    public var initialRadius: Double
    /// R(T).
    public var radiusAtHorizon: Double
    /// Every run at every checkpoint (the last is T).
    public var rows: [SemicircleDistanceRow]

    /// Means and paired differences from the trajectories' samples; nil when a record has none.
    static func assemble(configuration c: ConvergenceConfiguration, particles n: Int, estimator: String,
                         trajectories: [TrajectoryErrors]) -> SemicircleComparison? {
        let samples = trajectories.compactMap(\.semicircle)
        guard samples.count == trajectories.count, !samples.isEmpty else { return nil }
        let times = c.checkpointTimes
        func mean(_ xs: [Double]) -> Estimate { RunningMoments(xs).meanEstimate }
        var rows: [SemicircleDistanceRow] = []
        for (j, t) in times.enumerated() {
            let reference = samples.map { $0.referenceW1[j] }
            rows.append(SemicircleDistanceRow(run: .reference, batchSize: n, dt: c.referenceStep, t: t, wasserstein1: mean(reference),
                                              kolmogorov: mean(samples.map { $0.referenceKolmogorov[j] }), wasserstein1MinusReference: nil))
            for (k, dt) in c.timeSteps.enumerated() {
                let full = samples.map { $0.fullW1[k][j] }
                rows.append(SemicircleDistanceRow(run: .exact, batchSize: n, dt: dt, t: t, wasserstein1: mean(full),
                                                  kolmogorov: mean(samples.map { $0.fullKolmogorov[k][j] }),
                                                  wasserstein1MinusReference: mean(zip(full, reference).map { $0 - $1 })))
                for (b, p) in c.batchSizes.enumerated() {
                    let approximate = samples.map { $0.approximateW1[b][k][j] }
                    rows.append(SemicircleDistanceRow(run: .randomBatch, batchSize: p, dt: dt, t: t, wasserstein1: mean(approximate),
                                                      kolmogorov: mean(samples.map { $0.approximateKolmogorov[b][k][j] }),
                                                      wasserstein1MinusReference: mean(zip(approximate, reference).map { $0 - $1 })))
                }
            }
        }
        let r0 = ReferenceProblem.dysonInitialRadius
        return SemicircleComparison(
            normalisation: "ρ(x,t) = 2/(πR²)√(R²−x²), R(t)² = 2 + (R(0)²−2)e^{−2t}, R(0) = \(format(r0)) (drift (1/N)Σ 1/(λⱼ−λₖ), σ = √(2/(βN)), β = 2)",
            initialRadius: r0, radiusAtHorizon: SemicircleLaw.dysonRadius(at: c.horizon, initialRadius: r0), rows: rows)
    }

    /// The rows at T.
    public var rowsAtHorizon: [SemicircleDistanceRow] {
        guard let last = rows.map(\.t).max() else { return [] }
        return rows.filter { $0.t == last }
    }

    /// Summary lines: the exact system's distances at T and RBM's excess W₁ at the finest τ.
    func summaryLines() -> [String] {
        let atT = rowsAtHorizon
        var lines: [String] = []
        if let reference = atT.first(where: { $0.run == .reference }) {
            lines.append("semicircle law at T (R = \(format(radiusAtHorizon))): exact system W₁ = \(pm(reference.wasserstein1)), Kolmogorov = \(pm(reference.kolmogorov)) (finite-N fluctuation, ≈ 1/N up to logs)")
        }
        if let finest = atT.map(\.dt).filter({ dt in atT.contains { $0.run == .randomBatch && $0.dt == dt } }).min() {
            let parts = atT.filter { $0.run == .randomBatch && $0.dt == finest }.compactMap { row in
                row.wasserstein1MinusReference.map { "p = \(row.batchSize): \(pm($0))" }
            }
            lines.append("RBM W₁ minus the exact system's at T, τ = \(format(finest)) (paired): " + parts.joined(separator: "; "))
        }
        return lines
    }
}
