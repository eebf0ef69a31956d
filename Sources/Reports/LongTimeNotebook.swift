import Foundation
import Studies
import NumericsCore

/// The Markdown notebook of a long-time sampling study (`--report FILE.md`): question,
/// mathematics, command, one figure (|sampling error| against τ per batch size, measured with
/// 2-SE bars and exact as lines) written beside the notebook as `NAME-sampling.svg`, and the table.
public enum LongTimeNotebook {
    public static func write(_ report: LongTimeReport, to url: URL, plotFormats: [PlotFormat] = [.svg]) throws {
        let base = url.deletingPathExtension().lastPathComponent
        let figureURL = url.deletingLastPathComponent().appendingPathComponent("\(base)-sampling.svg")
        let plot = NotebookSections.plot(figure(report), to: figureURL, formats: plotFormats, alt: "sampling error against τ")
        try AtomicFile.write(markdown(report, plot: plot), to: url)
    }

    static func figure(_ r: LongTimeReport) -> Figure {
        var series: [FigureSeries] = []
        for (b, p) in r.configuration.batchSizes.enumerated() {
            let rows = r.rows.filter { $0.batchSize == p }
            let measured = rows.filter { abs($0.samplingError.value) > 2 * $0.samplingError.standardError }.map {
                NotebookSections.errorBar($0.dt, Estimate(value: abs($0.samplingError.value), standardError: $0.samplingError.standardError, count: $0.samplingError.count))
            }
            if !measured.isEmpty { series.append(FigureSeries(title: "p = \(p), measured", points: measured, mark: .points, colour: FigureTheme.colour(b))) }
            let exact = rows.compactMap { row in row.exactSamplingError.map { FigurePoint(x: row.dt, y: abs($0)) } }.filter { $0.y > 0 }
            if !exact.isEmpty { series.append(FigureSeries(title: "p = \(p), exact", points: exact, mark: .lines, dashed: true, colour: FigureTheme.colour(b))) }
        }
        return Figure([FigurePanel(xlabel: "time step τ", ylabel: "|E f − m∞| (stationary)", series: series, key: "bottom right")])
    }

    static func markdown(_ r: LongTimeReport, plot: String) -> String {
        var md = NotebookSections.header("Long-time sampling error of the Random Batch Method", manifest: r.manifest)
        md += ["## Question", "",
               "RBM is used to *sample* the invariant measure of interacting particles (molecular dynamics). On the linear system, whose invariant measure is Gaussian in closed form, how far are the time averages and the law at large t of RBM from it, against τ and p, and how does this compare with Ye–Zhou's O(√τ + e^{−λt}) (arXiv 2206.02166)?", "",
               "## Answer", ""]
        for o in r.orders {
            md.append("- p = \(o.batchSize): the sampling error of E f has measured order \(o.fit.map { "\(format($0.order)) \(interval($0.ci95))" } ?? "—") (exact local orders \(o.exactLocalOrders.map { $0.map { format($0) } ?? "—" }.joined(separator: ", "))) against the bound's 1/2: \(o.reading).")
        }
        md.append("- \(r.rows.filter(\.covered).count) of \(r.rows.count) 95% intervals cover the exact expected time average of the scheme.")
        md += ["",
               "## Mathematics", "",
               "- System: dXᵢ = −aXᵢdt − (κ/(N−1))Σ_{j≠i}(Xᵢ − Xⱼ)dt + σdBᵢ with a = 1, κ = 0.5. Its invariant measure is Gaussian; for f = (1/N)Σ‖Xᵢ‖², m∞ = d[σ²/(2a)/N + ((N−1)/N)σ²/(2b)], b = a + κN/(N−1).",
               "- RBM with Euler–Maruyama maps (E‖Xᵢ‖², E⟨Xᵢ,Xⱼ⟩) affinely in expectation over the noise and the random partition, so its stationary E f (the fixed point) and its expected time average after any burn-in are computed exactly; these are the targets of the printed intervals and the *exact* columns.",
               "- Time averages: B/τ burn-in steps, then the mean of f over L/τ steps. Each of the R independent trajectories gives one time average; the interval is their mean ± t₀.₉₇₅,R−1·s/√R, valid whatever the autocorrelation inside a trajectory.",
               "- Ye–Zhou bound the Wasserstein distance between the law of the discrete RBM at time t and the invariant measure by C(√τ + e^{−λt}), λ independent of τ, p, N. The bound's order 1/2 is an upper bound; the second moment of this linear system has an O(τ) error (the exact local orders), so a measured order near 1 is consistent with it.",
               ""]
        md += NotebookSections.command(r.manifest, fallback: "rbm-study long-time")
        md += ["## Figure", "", plot, "",
               "## Table", "", "```"]
        md += r.table().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        md += ["```", ""]
        md += NotebookSections.environment(r.manifest, wallTime: format(r.manifest.wallSeconds))
        return md.joined(separator: "\n")
    }
}
