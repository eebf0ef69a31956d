import Foundation
import NumericsCore
import Studies

/// The table section of a Dyson run's distances to the semicircle law (its tidy CSV is
/// `ConvergenceReport.semicircleTable(_:)`).
extension SemicircleComparison {
    /// The table section: W₁ and Kolmogorov at T for every run, with RBM's paired excess.
    public func tableLines() -> [String] {
        var out = ["", "distance to the semicircle law at T: \(normalisation)",
                   "mean over trajectories ± 1 SE; W₁ = ∫|F_N − F| dx (exact), Kolmogorov = sup|F_N − F|; ΔW₁ = W₁ − W₁(reference), paired on the same Brownian paths"]
        let widths = [14, 6, 11, 22, 22, 24]
        out.append(row(["run", "p", "τ", "W₁", "Kolmogorov", "ΔW₁ vs reference"], widths: widths))
        for r in rowsAtHorizon {
            out.append(row([r.run.rawValue, r.run == .randomBatch ? String(r.batchSize) : "N", format(r.dt), pm(r.wasserstein1), pm(r.kolmogorov),
                            r.wasserstein1MinusReference.map(pm) ?? "—"], widths: widths))
        }
        return out
    }
}
