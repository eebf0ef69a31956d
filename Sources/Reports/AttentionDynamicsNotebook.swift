import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import Studies

/// The Markdown report `attention-dynamics.md` of an attention convergence study. Besides the
/// study itself it reports three companion experiments on the same model and seed
/// (`AttentionDynamicsCompanions` in the Studies module, run by ``write(_:to:plotFormats:)``):
///
/// 1. the same study with the other normalisation (mean-field order 1/2 against the softmax floor);
/// 2. the RMS bias of plain and weight-corrected RBA against p at the first trajectory's tokens
///    (`AttentionBias`, 400 draws per point);
/// 3. one exact trajectory of SA and of USA over a long horizon, recording the energy and the
///    cluster count (`AttentionClustering`).
///
/// Three figures are written beside the notebook (NAME-errors.svg, NAME-bias.svg,
/// NAME-clustering.svg, and `.pdf`/`.png` in the other `plotFormats`).
public enum AttentionDynamicsNotebook {
    public static func write(_ report: ConvergenceReport, to url: URL, plotFormats: [PlotFormat] = [.svg]) throws {
        let c = report.configuration
        let experiments = try AttentionDynamicsCompanions.run(report)
        let (softmax, meanField) = (experiments.softmax, experiments.meanField)
        let (bias, sizes, clustering, horizon) = (experiments.bias, experiments.biasBatchSizes, experiments.clustering, experiments.clusteringHorizon)
        let (plainSlope, correctedSlope) = (experiments.plainBiasSlope, experiments.correctedBiasSlope)

        let stem = url.deletingPathExtension()
        let errorsURL = URL(fileURLWithPath: stem.path + "-errors.svg")
        let biasURL = URL(fileURLWithPath: stem.path + "-bias.svg")
        let clusteringURL = URL(fileURLWithPath: stem.path + "-clustering.svg")
        var failures: [String] = []
        func render(_ figure: Figure, _ target: URL) -> String {
            NotebookSections.plot(figure, to: target, formats: plotFormats, alt: "") { failures.append("\($0)") }
        }
        let errorsPlot = render(errorsFigure(softmax: softmax, meanField: meanField), errorsURL)
        let biasPlot = render(biasFigure(bias), biasURL)
        let clusteringPlot = render(clusteringFigure(clustering), clusteringURL)

        var md = NotebookSections.header("Attention as particle dynamics: Random Batch Attention, its order and its bias floor",
                                         manifest: report.manifest)
        md.append("## Question")
        md.append("")
        md.append("Tokens of a self-attention layer move like interacting particles. Random Batch Attention (RBA, arXiv 2511.06044) lets each token attend only inside a random batch of p tokens. Does it converge like the Random Batch Method (strong order 1/2 in the re-batching interval τ), and what does the bias of the softmax ratio do to the dynamics?")
        md.append("")
        md += answer(softmax: softmax, meanField: meanField, plainSlope: plainSlope, correctedSlope: correctedSlope,
                     clustering: clustering, horizon: horizon)
        md.append("## Mathematics")
        md.append("")
        md.append("SA: ẋᵢ = P⊥(Σⱼ softmaxⱼ(β⟨Qxᵢ,Kxⱼ⟩)Vxⱼ); USA: ẋᵢ = P⊥((1/N)Σⱼ e^{β⟨Qxᵢ,Kxⱼ⟩}Vxⱼ), P⊥ the tangent projection on the unit sphere. On USA, RBA (with the self term kept and weight (N−1)/(s−1) on the s−1 batch partners) is exactly RBM: unbiased, batch error O(√(τ·g)), g = 1/(p−1) − 1/(N−1). On SA each output is a ratio of batch sums; the token's own key is always in its batch, so plain RBA is biased by ≈ 1/p, and as τ → 0 at fixed p the RBA trajectory follows the partition-averaged dynamics: the error against exact SA levels off at a floor F. We fit the mean square batch error as F² + A·τ by GLS with the cross-level covariance; a floor is *detected* when F² > 4 SE and ≥ ¼ of the finest mean square, and then no order is fitted through it.")
        md.append("")
        md += NotebookSections.command(report.manifest, fallback: "rbm-study convergence --system attention")
        md.append("Model: N = \(c.particles), d = \(c.dimension), β = \(format(c.attention.beta)), maps \(c.attention.maps), \(c.attention.geometry.rawValue) geometry, tokens \(c.attention.tokensFile ?? c.attention.tokenDistribution), T = \(format(c.horizon)), \(c.trajectories) trajectories, estimator \(softmax.levels.first?.estimator ?? "rba"); reference GSL rk8pd (tolerance 1e-12) with exact attention.")
        md.append("")
        md.append("## 1. Mean-field order 1/2 against the softmax floor")
        md.append("")
        md.append(errorsPlot)
        md.append("")
        md.append("Batch error ‖RBA-Euler(τ) − exact-Euler(τ)‖ (RMS, ±2 SE). Filled: mean-field (USA) with fitted power laws; open: softmax (SA) with the fitted floors (dashed).")
        md.append("")
        md.append("| normalisation | p | batch-error order q (95% CI) | verdict (theory 1/2) | floor F ± SE | floor detected |")
        md.append("|---|---|---|---|---|---|")
        for (label, r) in [("mean-field", meanField), ("softmax", softmax)] {
            for p in c.batchSizes.sorted() {
                let fit = r.fits.first { $0.kind == .batch && $0.batchSize == p }
                let floor = r.floors.first { $0.batchSize == p }
                md.append("| \(label) | \(p) | \(fit.map { "\(format($0.order)) \(interval($0.ci95))" } ?? "not fitted (floor)") | \(fit?.verdict.verdict.rawValue ?? "—") | \(floor.map { pm($0.floor) } ?? "—") | \(floor.map { $0.detected ? "yes" : "no" } ?? "—") |")
            }
        }
        md.append("")
        if let s = softmax.floorScaling {
            md.append("Softmax floor scaling F ∝ p^e: **e = \(format(s.exponent)) \(interval(s.ci95))** over \(s.points) batch sizes (expected ≈ −1); lack-of-fit p = \(s.lackOfFitP.map { format($0, digits: 2) } ?? "—"); local exponents between consecutive p: \(s.localExponents.map { format($0, digits: 2) }.joined(separator: ", ")). A local exponent flatter than −1 at small p means the floor saturates: the bias there is not small, so the trajectory error is no longer linear in it.")
        } else {
            md.append("No floor scaling could be fitted (fewer than two detected floors).")
        }
        md.append("")
        md.append("## 2. Plain against weight-corrected RBA: bias at fixed tokens")
        md.append("")
        md.append(biasPlot)
        md.append("")
        md.append("RMS bias over all outputs of softmax attention at the first trajectory's tokens, 400 draws per point, ±2 SE (grouped jackknife); the Monte Carlo part of (mean − exact)² is subtracted. Output RMS \(format(bias.first?.outputRMS ?? .nan)).")
        md.append("")
        md.append("| p | plain RMS bias | corrected RMS bias | ratio plain/corrected |")
        md.append("|---|---|---|---|")
        for p in sizes {
            let a = bias.first { $0.estimator == "rba" && $0.size == Double(p) }!, b = bias.first { $0.estimator == "rba-corrected" && $0.size == Double(p) }!
            md.append("| \(p) | \(pm(a.rmsBias)) | \(pm(b.rmsBias)) | \(format(a.rmsBias.value / b.rmsBias.value)) |")
        }
        md.append("")
        md.append("Log-log slope of bias against p (weighted): plain \(plainSlope.map { "\(format($0.slope)) ± \(format($0.standardError, digits: 2))" } ?? "—"), corrected \(correctedSlope.map { "\(format($0.slope)) ± \(format($0.standardError, digits: 2))" } ?? "—"). The correction removes the self-weight inflation; what is left is the O(g) delta-method bias of a ratio of unbiased sums, n·Var ẑ/z³ − Cov(n̂, ẑ)/z².")
        md.append("")
        md.append("## 3. Clustering on the sphere")
        md.append("")
        md.append(clusteringPlot)
        md.append("")
        md.append("Exact SA and USA from the first trajectory's tokens, RK4 with τ = 0.05 and renormalisation, to t = \(format(horizon)). Clusters: connected components of the graph linking tokens with ⟨xᵢ,xⱼ⟩ ≥ 1 − 10⁻².")
        md.append("")
        md.append("| dynamics | E_β(0) | E_β(T) | energy nondecreasing | clusters at t = 0, T/4, T/2, T | min ⟨xᵢ,xⱼ⟩ at T |")
        md.append("|---|---|---|---|---|---|")
        for (label, samples) in clustering {
            let monotone = zip(samples, samples.dropFirst()).allSatisfy { $1.energy >= $0.energy - 1e-10 * abs($1.energy) }
            let counts = [0, samples.count / 4, samples.count / 2, samples.count - 1].map { String(samples[$0].clusters) }.joined(separator: ", ")
            md.append("| \(label) | \(format(samples.first!.energy, digits: 6)) | \(format(samples.last!.energy, digits: 6)) | \(c.attention.geometry == .sphere && c.attention.maps == "identity" ? (monotone ? "yes" : "**no**") : (monotone ? "yes (not guaranteed: V ≠ I or ℝᵈ)" : "no (not guaranteed: V ≠ I or ℝᵈ)")) | \(counts) | \(format(samples.last!.minimumInnerProduct, digits: 4)) |")
        }
        md.append("")
        let warnings = softmax.warnings.map { "softmax: \($0)" } + meanField.warnings.map { "mean-field: \($0)" } + failures
        md += NotebookSections.warnings(warnings)
        md += NotebookSections.environment(report.manifest, wallTime: format(report.manifest.wallSeconds),
                                           wallLabel: "wall time of the main study")
        try AtomicFile.write(md.joined(separator: "\n"), to: url)
    }

    /// The notebook's answer: the calibrated verdict lines of both studies, the softmax floor's
    /// scaling in p among them (their error rates are measured by `convergence --calibrate`), the bias slopes of section 2 and the cluster counts
    /// of section 3.
    static func answer(softmax: ConvergenceReport, meanField: ConvergenceReport,
                       plainSlope: (slope: Double, standardError: Double)?, correctedSlope: (slope: Double, standardError: Double)?,
                       clustering: [(label: String, samples: [ClusteringSample])], horizon: Double) -> [String] {
        var md = ["## Answer", ""]
        md += meanField.summary.map { "- mean-field (USA): \($0)" }
        md += softmax.summary.map { "- softmax (SA): \($0)" }
        if let plain = plainSlope, let corrected = correctedSlope {
            md.append("- bias of softmax RBA against p at fixed tokens: log-log slope \(format(plain.slope)) ± \(format(plain.standardError, digits: 2)) plain, \(format(corrected.slope)) ± \(format(corrected.standardError, digits: 2)) weight-corrected (standard errors of the weighted fit; their coverage is not measured).")
        }
        let counts = clustering.compactMap { run in run.samples.last.map { "\(run.label) \($0.clusters)" } }
        if !counts.isEmpty {
            md.append("- clusters of the exact dynamics at t = \(format(horizon)) (one trajectory, no error rate): \(counts.joined(separator: ", ")).")
        }
        md.append("")
        md.append("Verdict lines count verdicts (consistent / pre-asymptotic / inconsistent / inconclusive / not assessed); their error rates on softmax attention are in calibration.md (`rbm-study convergence --system attention --calibrate 40`).")
        md.append("")
        return md
    }

    /// Batch error against τ: one colour per p, filled markers for mean-field attention (USA) with
    /// its fitted power law, open ones for softmax (SA) with its fitted floor (dashed).
    static func errorsFigure(softmax: ConvergenceReport, meanField: ConvergenceReport) -> Figure {
        var series: [FigureSeries] = []
        var curves: [String] = []
        for (index, p) in softmax.configuration.batchSizes.sorted().enumerated() {
            let colour = FigureTheme.colour(index)
            for (label, r, point) in [("USA", meanField, 7), ("SA", softmax, 6)] {
                series.append(FigureSeries(title: "\(label), p = \(p)", points: r.levels.filter { $0.batchSize == p && $0.batchError.value > 0 }.map {
                    NotebookSections.errorBar($0.dt, $0.batchError)
                }, mark: .points, colour: colour, pointType: point))
            }
            if let floor = softmax.floors.first(where: { $0.batchSize == p && $0.detected }) {
                curves.append("\(floor.floor.value) with lines dt 2 lc rgb '\(colour)' title 'SA floor, p = \(p)'")
            }
            if let fit = meanField.fits.first(where: { $0.kind == .batch && $0.batchSize == p }), fit.order.isFinite {
                let c = meanField.batchErrorLineConstant(batchSize: p, order: fit.order)
                curves.append("\(c)*x**\(fit.order) with lines lc rgb '\(colour)' title 'USA fit, p = \(p): slope \(format(fit.order))'")
            }
        }
        return Figure([FigurePanel(xlabel: "re-batching interval τ", ylabel: "RMS batch error at T", series: series, curves: curves,
                                   key: "below")], width: 6.0, height: 5.0)
    }

    static func biasFigure(_ points: [AttentionBiasPoint]) -> Figure {
        let series = ["rba", "rba-corrected"].map { name in
            FigureSeries(title: name, points: points.filter { $0.estimator == name && $0.rmsBias.value > 0 }.map {
                NotebookSections.errorBar($0.size!, $0.rmsBias)
            }, mark: .points)
        }
        var curves: [String] = []
        if let anchor = points.first(where: { $0.estimator == "rba" && $0.rmsBias.value > 0 }) {
            curves.append("\(anchor.rmsBias.value * anchor.size!)/x with lines dt 2 lc rgb 'gray40' title 'reference slope −1'")
        }
        return Figure([FigurePanel(xlabel: "batch size p", ylabel: "RMS bias of softmax RBA", series: series, curves: curves)])
    }

    static func clusteringFigure(_ runs: [(label: String, samples: [ClusteringSample])]) -> Figure {
        var series: [FigureSeries] = []
        for (index, (label, samples)) in runs.enumerated() {
            let colour = FigureTheme.colour(index)
            let e0 = samples.first!.energy
            series.append(FigureSeries(title: "E_β/E_β(0), \(label)", points: samples.map { FigurePoint(x: $0.time, y: $0.energy / e0) },
                                       mark: .lines, colour: colour))
            series.append(FigureSeries(title: "clusters, \(label)", points: samples.map { FigurePoint(x: $0.time, y: Double($0.clusters)) },
                                       mark: .steps, dashed: true, colour: colour, axes: "x1y2"))
        }
        return Figure([FigurePanel(xlabel: "time t", ylabel: "energy E_β relative to E_β(0)", logX: false, logY: false, series: series,
                                   settings: ["set y2label 'cluster count'", "set y2tics", "set ytics nomirror"], key: "center right")])
    }
}
