import Foundation
import Studies
import NumericsCore

/// The Markdown notebook of a distributional study (`--report FILE.md`): the question, the
/// mathematics (weak errors, W₂ and its finite-sample floor, the theorem and what κ is), the
/// command, the table, and one figure (|weak error| and floor-corrected W₂ against τ, log–log)
/// written beside the notebook as `NAME-errors.svg`.
public enum DistributionalNotebook {
    public static func write(_ report: DistributionalReport, to url: URL, plotFormats: [PlotFormat] = [.svg]) throws {
        let base = url.deletingPathExtension().lastPathComponent
        let figureURL = url.deletingLastPathComponent().appendingPathComponent("\(base)-errors.svg")
        let plot = NotebookSections.plot(figure(report), to: figureURL, formats: plotFormats, alt: "errors in law against τ")
        try AtomicFile.write(markdown(report, plot: plot), to: url)
    }

    static func figure(_ r: DistributionalReport) -> Figure {
        var series: [FigureSeries] = []
        for (k, observable) in [DistributionalObservable.secondMoment, .gaussianBump].enumerated() {
            let points = r.weak.filter { $0.observable == observable && abs($0.error.value) > 2 * $0.error.standardError }
                .map { NotebookSections.errorBar($0.dt, Estimate(value: abs($0.error.value), standardError: $0.error.standardError, count: $0.error.count)) }
            if !points.isEmpty { series.append(FigureSeries(title: "|weak error|, \(observable.formula)", points: points, pointType: k + 5)) }
        }
        let w2 = r.distances.compactMap { row in row.distance.map { NotebookSections.errorBar(row.dt, $0) } }
        if !w2.isEmpty { series.append(FigureSeries(title: r.configuration.dimension == 1 ? "W₂ (floor-corrected)" : "sliced W₂ (floor-corrected)", points: w2, colour: "black")) }
        let panel = FigurePanel(xlabel: "time step τ", ylabel: "error at T", series: series, key: "bottom right")
        return Figure([panel])
    }

    static func markdown(_ r: DistributionalReport, plot: String) -> String {
        var md = NotebookSections.header("RBM with replacement in law: weak errors and Wasserstein-2 against the time step", manifest: r.manifest)
        md += ["## Question", "",
               "RBM with replacement (RBM-r: ⌈N/p⌉ times per step, a fresh random batch of p particles takes one Euler step of the batch-local dynamics) moves particles at random times, so it cannot be coupled pathwise to the exact system. How fast does its *law* at T approach the exact system's as τ → 0, measured by weak errors and by the Wasserstein-2 distance, and how does that compare with Cai–Liu–Wang's theorem (arXiv 2407.19315)?", "",
               "## Answer", ""]
        for o in r.orders {
            md.append("- \(o.quantity): measured order \(o.fit.map { "\(format($0.order)) \(interval($0.ci95))" } ?? "—") against \(format(o.theoryOrder)) (\(o.theorySource)): \(o.reading).")
        }
        md += ["",
               "## Mathematics", "",
               "- Weak error b(τ) = E f(X̃_τ(T)) − E f(X(T)) for f = \(DistributionalObservable.allCases.map(\.formula).joined(separator: ", ")); the mean is 0 for every scheme by symmetry, so its rows test unbiasedness. On `linear` the second moment's E f is known in closed form for the SDE and, exactly, for RBM-r itself (an affine recursion for (E‖Xᵢ‖², E⟨Xᵢ,Xⱼ⟩) over the random batches); the *exact* column is that value, so z = (b̂ − exact)/SE is a test of the Monte Carlo. Elsewhere E f(X) is estimated by an independent copy X′ of the exact system started from the same X(0) as X̃, and the fit carries a constant for the copy's own Euler bias.",
               "- W₂ between the one-particle laws (the quantity of the theorem): by exchangeability every particle of every trajectory in a group is a sample of it, so the empirical measures pool the N particles of M/G trajectories. In d = 1, W₂² = ∫₀¹(F⁻¹ − G⁻¹)² is exact by sorting; in d > 1 the sliced distance SW₂² = d·E_θ W₂²(θ#μ, θ#ν) over random orthonormal frames (a translation by v gives exactly ‖v‖).",
               "- The floor: two independent finite samples of the *same* law are at W₂ > 0; in one dimension E W₂²(A_n, B_n) = W₂²(A, B) + V_A + V_B + o(1/n), V the integrated variance of the empirical quantile. Each group's W₂²(RBM-r, exact) therefore has half of W₂²(exact′, exact) and half of W₂²(RBM-r′, RBM-r) subtracted (primes: independent copies), which removes V_A + V_B to first order; the difference estimates W₂² between the laws (0 when they agree). RBM-r's own floor is larger than the exact law's (heavier tails: particles move a random number of times), so subtracting the exact floor alone would bias the order down. Values within 2 SE of 0 are reported as *within floor*.",
               "- Gelbrich's bound (*Gelbrich ≤*, `linear` only): the W₂ between Gaussians with the two laws' second moments, computed exactly from the moment recursions, is a lower bound on W₂; the gap to the measured W₂ is the non-Gaussian part of RBM-r's law.",
               "- The theorem: for strongly convex V and Lipschitz K, W₂(law X₁(t), law X̃₁(t)) ≤ C√(1+T)·κ^{1/4} with diffusion and ≤ C·κ^{1/2} without, uniformly in N, κ the time step at which batches are drawn — here the pseudo-step h = τN/(⌈N/p⌉p). These are upper bounds: a measured order above them is consistent with the theorem. This scheme also replaces the exact in-batch evolution of the theorem by one Euler step, a first-order weak bias.",
               ""]
        md += NotebookSections.command(r.manifest, fallback: "rbm-study distributional")
        md += ["## Figure", "", plot, "",
               "## Table", "", "```"]
        md += r.table().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        md += ["```", ""]
        md += NotebookSections.environment(r.manifest, wallTime: format(r.manifest.wallSeconds))
        return md.joined(separator: "\n")
    }
}
