import Foundation
import NumericsCore
import Studies

/// The Markdown report of `convergence --system dyson`: the implicit split step, the semicircle
/// law and the distances, every run's distance to the law at T (exact system and RBM at each p
/// and τ), the errors between runs with their measured (unjudged) orders, and a companion sweep of
/// the exact system's W₁ over N (``DysonSemicircleScaling``) with its fitted exponent.
public enum DysonNotebook {
    /// The companion N sweep's settings: N = 8…128 at T = ½ and τ = 1/64 (small against 1/N up
    /// to N = 64), 200 trajectories per N, keyed by the report's seed.
    public static let sweepParticles = [8, 16, 32, 64, 128]
    public static let sweepHorizon = 0.5
    public static let sweepTimeStep = 1.0 / 64
    public static let sweepTrajectories = 200

    public static func write(_ report: ConvergenceReport, to url: URL, plotFormats: [PlotFormat] = [.svg]) throws {
        let scaling = try DysonSemicircleScaling.run(particleCounts: sweepParticles, horizon: sweepHorizon, timeStep: sweepTimeStep,
                                                     trajectories: sweepTrajectories, seed: report.configuration.seed,
                                                     threads: report.configuration.threads)
        let svgURL = url.deletingPathExtension().appendingPathExtension("svg")
        let plot = NotebookSections.plot(ConvergenceNotebook.figure(report), to: svgURL, formats: plotFormats, alt: "error versus time step")
        try AtomicFile.write(markdown(report, scaling: scaling, plot: plot), to: url)
    }

    static func markdown(_ r: ConvergenceReport, scaling: DysonSemicircleScaling, plot: String) -> String {
        let c = r.configuration
        var md = NotebookSections.header("Dyson Brownian motion: RBM and the exact system against the semicircle law", manifest: r.manifest)
        md.append("## Question")
        md.append("")
        md.append("Dyson Brownian motion has a singular repulsion 1/(λⱼ − λₖ): explicit Euler lets particles cross at any practical step. With a scheme that keeps interacting particles ordered, how close are the empirical measures of the exact system and of the Random Batch Method (RBM-1, Jin–Li–Liu, arXiv 1812.10575, who apply it to this problem) to the semicircle law of the mean-field limit, and how does RBM's extra distance depend on τ and p? How does the exact system's distance shrink with N?")
        md.append("")
        md.append("## Answer")
        md.append("")
        for line in r.summary { md.append("- \(line)") }
        if let e = scaling.exponent {
            md.append("- exact system, W₁ to the semicircle against N = \(scaling.points.map { String($0.particles) }.joined(separator: ", ")): W₁ ∝ N^e with e = \(format(e.exponent)) ± \(format(e.standardError, digits: 2)), 95% CI \(interval(e.ci95)) (≈ −1 up to logarithms expected; measured, no verdict)")
        }
        md.append("")
        md.append("## Mathematics")
        md.append("")
        md.append("\(r.problem.equation), X(0) the N quantiles of the semicircle of radius 1. \(r.problem.knownFacts)")
        md.append("")
        md.append("**Normalisation.** With this drift and σ = √(2/(βN)) the invariant law is ∝ Π|λᵢ−λⱼ|^β e^{−(βN/2)Σλ²}, whose empirical measure tends to the semicircle on [−√2, √2]; the mean-field limit started from a semicircle of radius R(0) stays a semicircle, ρ(x,t) = 2/(πR²)√(R²−x²), with R(t)² = 2 + (R(0)² − 2)e^{−2t} (its second moment m = R²/4 solves m′ = −2m + 1, the exact moment identity above).")
        md.append("")
        md.append("**Scheme (DysonSplitStepIntegrator).** Each step is split: explicit confinement and noise, yⱼ = λⱼ − τλⱼ + σΔWⱼ, then one backward-Euler step of the repulsion, x⁺ = argmin ½‖x − y‖² − a Σ log|xᵢ − xⱼ| over the ordered cone of the positions before the step (a = τ·(N−1)/N·w, w = 1/(N−1) for the exact system and 1/(s−1) in an RBM batch of size s). The function is strictly convex on the cone and infinite on its boundary, so the minimiser keeps the order by construction at every τ; a pair has the closed form g⁺ = (g + √(g² + 8a))/2; larger groups are solved by damped Newton (self-concordant steps, no line search). Explicit tamed Euler is stable only for τ = O(1/N²) (Li–Menon, arXiv 1306.1179). In RBM, particles of different batches do not interact during a step and may pass each other; that is no collision of the kernel, and since the dynamics is exchangeable and the empirical measure label-free, RBM runs re-sort labels after each step. The reference is the same scheme at h = τ_min/\(c.referenceRefinement) on the same Brownian path.")
        md.append("")
        md.append("**Distances.** For the empirical measure μ_N with sorted points x₍₁₎ ≤ … ≤ x₍N₎: W₁ = ∫|F_N − F| dx, computed exactly with the closed-form integral of the semicircle CDF, and the Kolmogorov distance sup|F_N − F|, attained at the atoms. Both are averaged over trajectories with their standard errors. RBM's excess ΔW₁ = W₁(RBM) − W₁(reference) is paired on the same Brownian paths. Between runs, the strong and batch errors are RMS distances of sorted states: W₂ between empirical measures. No theorem gives their orders for this singular kernel, so orders are measured and reported without verdicts.")
        md.append("")
        md += NotebookSections.command(r.manifest, fallback: "rbm-study convergence --system dyson")
        if let s = r.semicircle {
            md.append("## Distance to the semicircle law at T = \(format(c.horizon)) (R(T) = \(format(s.radiusAtHorizon)); ± 1 SE, \(c.trajectories) trajectories)")
            md.append("")
            md.append("| run | p | τ | W₁ | Kolmogorov | ΔW₁ vs reference |")
            md.append("|---|---|---|---|---|---|")
            for row in s.rowsAtHorizon {
                md.append("| \(row.run.rawValue) | \(row.run == .randomBatch ? String(row.batchSize) : "N") | \(format(row.dt)) | \(pm(row.wasserstein1)) | \(pm(row.kolmogorov)) | \(row.wasserstein1MinusReference.map(pm) ?? "—") |")
            }
            md.append("")
            md.append("Every checkpoint is in `semicircle.csv` and the JSON (`semicircle.rows`).")
            md.append("")
        }
        md.append("## The exact system's W₁ against N")
        md.append("")
        md.append("The exact system alone (one implicit group of all N particles) from the semicircle quantiles to T = \(format(scaling.horizon)) at τ = \(format(scaling.timeStep)), \(scaling.trajectories) trajectories per N on independent streams; the exponent by weighted least squares of log W₁ on log N (delta-method weights, Birge factor when the points scatter). Rigidity of eigenvalues (Erdős–Yau–Yin, arXiv 1007.4652) gives W₁ = O((log N)^L/N); a fixed τ adds an N-independent bias that flattens the exponent once it dominates.")
        md.append("")
        md.append(scaling.markdown())
        md.append("")
        md.append("## Errors between runs (± 1 SE)")
        md.append("")
        md.append("| p | τ | strong (RBM vs reference) | batch (RBM vs exact at τ) | time (exact at τ vs reference) | weak (m₂) | weak vs exact E m₂ |")
        md.append("|---|---|---|---|---|---|---|")
        for l in r.levels {
            md.append("| \(l.batchSize) | \(format(l.dt)) | \(pm(l.strongError)) | \(pm(l.batchError)) | \(pm(l.timeError)) | \(pm(l.weakError)) | \(l.weakErrorVsExact.map(pm) ?? "—") |")
        }
        md.append("")
        md.append("Measured orders (least-squares slopes with delta-method 95% intervals; not assessed against any theory):")
        md.append("")
        md.append("| p | kind | q | 95% CI | local orders |")
        md.append("|---|---|---|---|---|")
        for f in r.fits {
            md.append("| \(f.estimator == "exact" ? "full" : String(f.batchSize)) | \(f.kind.rawValue) | \(format(f.order)) | \(interval(f.ci95)) | \(f.localOrders.map { $0.map { format($0, digits: 2) } ?? "—" }.joined(separator: " ")) |")
        }
        md.append("")
        md.append(plot)
        md.append("")
        md += NotebookSections.warnings(r.warnings)
        md += NotebookSections.environment(r.manifest, wallTime: format(r.manifest.wallSeconds))
        return md.joined(separator: "\n") + "\n"
    }
}

extension DysonSemicircleScaling {
    /// A markdown table of the points and the fitted exponent.
    func markdown() -> String {
        var lines = ["| N | W₁ ± SE | Kolmogorov ± SE | N·W₁ |", "|---:|---|---|---:|"]
        for p in points {
            lines.append("| \(p.particles) | \(pm(p.wasserstein1)) | \(pm(p.kolmogorov)) | \(format(Double(p.particles) * p.wasserstein1.value)) |")
        }
        if let e = exponent {
            lines.append("")
            lines.append("W₁ ∝ N^e: e = \(format(e.exponent)) ± \(format(e.standardError, digits: 2)), 95% CI \(interval(e.ci95)) (T = \(format(horizon)), τ = \(format(timeStep)), \(trajectories) trajectories per N)")
        }
        return lines.joined(separator: "\n")
    }
}
