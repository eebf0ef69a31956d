import Foundation
import Studies

/// The Markdown report of a work–precision study: question, methods, command, results with
/// uncertainties and the Pareto front, plots (error against flops and against seconds, one panel
/// per method family, and the trajectory error against cost), a note per method on when it wins,
/// and an environment footer. Figures are written beside the notebook as `NAME-flops.svg`,
/// `NAME-seconds.svg`, `NAME-dynamics.svg` (and `.pdf`/`.png` in the other `plotFormats`).
public enum WorkPrecisionNotebook {
    public static func write(_ report: WorkPrecisionReport, to url: URL, plotFormats: [PlotFormat] = [.svg]) throws {
        let base = url.deletingPathExtension().lastPathComponent
        let directory = url.deletingLastPathComponent()
        var plots: [String: String] = [:]
        var figures = [("flops", costFigure(report, cost: \.flops, label: "flops per call")),
                       ("seconds", costFigure(report, cost: \.seconds, label: "median wall time per call (s)"))]
        if !report.trajectoryRows.isEmpty { figures.append(("dynamics", dynamicsFigure(report))) }
        for (kind, figure) in figures {
            plots[kind] = NotebookSections.plot(figure, to: directory.appendingPathComponent("\(base)-\(kind).svg"),
                                                formats: plotFormats, alt: kind)
        }
        try AtomicFile.write(markdown(report, plots: plots), to: url)
    }

    static func markdown(_ r: WorkPrecisionReport, plots: [String: String]) -> String {
        let c = r.configuration
        var md = NotebookSections.header("Work–precision of attention estimators", manifest: r.manifest)
        md.append("## Question")
        md.append("")
        md.append("At a fixed configuration of N = \(r.tokens) tokens in d = \(r.dimension) (\(c.attention.tokensFile.map { "file \($0)" } ?? c.attention.tokenDistribution) tokens, \(c.attention.maps) maps, \(c.attention.normalization.rawValue) attention, β = \(format(c.attention.beta)), \(c.attention.geometry.rawValue) geometry), which approximation of attention gives the smallest error for a given cost? Random batches and sampling schemes, Nyström methods (SOFT, Nyströmformer), random features (Performer) and sparse factor products (Paramixer) are measured on one scale.")
        md.append("")
        md.append("## Answer")
        md.append("")
        for line in r.summary { md.append("- \(line)") }
        md.append("")
        md.append("## Method")
        md.append("")
        md.append("- **Error**: ‖Ô − O‖_F/‖O‖_F (and the spectral-norm analogue) against each estimator's exact target O: softmax or mean-field attention by the blocked exact reference (its own error against a compensated evaluation: \(format(r.referenceError))), or, for SOFT, Gaussian-kernel attention (1/N)·S·V with S_ij = exp(−β‖qᵢ − qⱼ‖²/2) (Q = K tying). Random methods: mean ± 1 SE over \(c.draws) draws; deterministic methods (detected by two bit-identical draws) have one.")
        md.append("- **Counted cost**: expected pair interactions (score evaluations) per token, and flops per call (exact counts for SOFT, Nyströmformer, Performer and Paramixer; 2(d_k + d_v) per pair interaction otherwise). Paramixer's counted cost is the mixing only; its least-squares fit to the dense attention matrix is an oracle (included in its measured time).")
        md.append("- **Measured cost**: median wall time of one call over \(c.repeats) repeats, single-threaded BLAS, one call at a time.")
        md.append("- **Pareto front** (★): no other row with the same target has both lower-or-equal flops and lower-or-equal error (one strictly). SOFT approximates a different kernel and forms its own front. ~ marks a row off the front by the point estimates but within noise of it (error gap < 1.96·√(SE₁² + SE₂²)); ! marks a row whose SE exceeds \(Int(100 * WorkPrecisionRow.maximumRelativeStandardError))% of its error (too few draws for its tails; calibration measured such intervals far below 95%).")
        md.append("")
        md += NotebookSections.command(r.manifest, fallback: "rbm-study work-precision")
        md.append("## Results")
        md.append("")
        md.append("| estimator | size | target | relative error (F) ± SE | spectral ± SE | pairs/token | flops | seconds | front (flops) | front (s) |")
        md.append("|---|---|---|---|---|---|---|---|---|---|")
        for row in r.rows {
            md.append("| \(row.estimator) | \(format(row.size)) | \(row.target) | \(pm(row.error))\(row.errorReliable ? "" : " !") | \(pm(row.spectralError)) | \(format(row.cost)) | \(format(row.flops)) | \(format(row.seconds)) | \(row.front == .front ? "★" : row.front == .withinNoise ? "~" : "") | \(row.paretoSeconds ? "★" : "") |")
        }
        md.append("")
        md.append("## Plots")
        md.append("")
        md.append(plots["flops"] ?? "")
        md.append("")
        md.append("Relative Frobenius error against flops per call, one panel per method family on shared axes (log–log; ±2 SE bars for random methods; dashed: SOFT's own Gaussian kernel; black steps: the Pareto front over all families; exact attention has error 0 and is not drawn, its cost is the dotted vertical line; a point more than a decade beyond all others is drawn as a triangle at the edge, its value in the key).")
        md.append("")
        md.append(plots["seconds"] ?? "")
        md.append("")
        md.append("The same errors against the median measured time.")
        md.append("")
        if !r.trajectoryRows.isEmpty {
            md.append("## Inside the dynamics")
            md.append("")
            md.append("\(c.steps) Euler steps of dt = \(format(c.timeStep)) of the attention dynamics from the same configuration, driven by each sampling scheme, against the same steps with exact attention: RMS token error at T = \(format(c.horizon)), mean ± 1 SE over \(c.trajectories) trajectories, against the pair interactions per token over the trajectory.")
            md.append("")
            md.append("| estimator | size | trajectory error ± SE | pairs/token (trajectory) | seconds/trajectory | front |")
            md.append("|---|---|---|---|---|---|")
            for row in r.trajectoryRows {
                md.append("| \(row.estimator) | \(format(row.size)) | \(pm(row.error)) | \(format(row.cost)) | \(format(row.seconds)) | \(row.pareto ? "★" : "") |")
            }
            md.append("")
            md.append(plots["dynamics"] ?? "")
            md.append("")
            md.append("RMS token error at T (±2 SE) against pair interactions per token over the trajectory, log–log; the dotted line is the cost of exact attention.")
            md.append("")
        }
        md.append("## When each method wins")
        md.append("")
        for (prefix, note) in notes {
            let rows = r.rows.filter { $0.estimator.hasPrefix(prefix) }
            guard !rows.isEmpty else { continue }
            let front = rows.filter(\.pareto).map { "\($0.estimator) at \(format($0.size))" }
            let best = rows.filter { $0.error.value.isFinite }.min { $0.error.value < $1.error.value }
            var measured = front.isEmpty ? "In this run no \(prefix) row is on the flops front." : "On the flops front here: \(front.joined(separator: ", "))."
            if let best { measured += " Smallest error \(pm(best.error)) (\(best.estimator), size \(format(best.size)), \(format(best.flops)) flops)." }
            md.append("- **\(prefix)** — \(note) \(measured)")
        }
        md.append("")
        md += NotebookSections.warnings(r.warnings)
        md += NotebookSections.environment(r.manifest, wallTime: format(r.manifest.wallSeconds))
        return md.joined(separator: "\n")
    }

    /// Per-family notes (the mathematics of when a method should win; the measured sentence follows).
    static let notes: [(String, String)] = [
        ("rba", "Random batch attention: cost O(N·p), the only method here that is parallel over batches with no global reduction; wins at very low budgets and inside the dynamics, where batch errors average out over steps, but plain RBA on softmax has an O(1/p) bias floor."),
        ("soft", "SOFT approximates a Gaussian kernel, not softmax; Nyström with m landmarks is accurate when the kernel matrix has fast-decaying spectrum (smooth, clustered tokens). The exact pseudo-inverse (-svd) beats 20 Newton–Schulz iterations whenever K₂ is ill-conditioned (many close landmarks)."),
        ("nystromformer", "Nyströmformer wins when tokens form contiguous clusters (segment means are then good landmarks) and attention is close to low rank; on i.i.d. tokens the segment means collapse to the global mean and its error stalls."),
        ("performer", "Performer's cost is linear in N and independent of the attention's structure; it wins at large N, small β‖q‖‖k‖ (where the log-normal positive features have low variance), and with orthogonal features at m ≈ d. Trigonometric features can make the normaliser vanish."),
        ("paramixer", "Paramixer's fitted sparse factors reach full rank with O(N log N) nonzeros per factor, so they can represent attention that is neither low rank nor sparse; as an approximation of a given attention matrix it needs the dense matrix for the fit (an oracle), so it wins only on counted mixing cost, not on time."),
    ]

    /// The method families, one panel each: name and whether an estimator belongs to it.
    static let families: [(String, @Sendable (String) -> Bool)] = [
        ("sampling schemes", { name in !["rba", "soft", "nystromformer", "performer", "paramixer"].contains { name.hasPrefix($0) } }),
        ("Nyström-like (SOFT, Nyströmformer)", { $0.hasPrefix("soft") || $0.hasPrefix("nystromformer") }),
        ("random features (Performer)", { $0.hasPrefix("performer") }),
        ("sparse factors (Paramixer)", { $0.hasPrefix("paramixer") }),
        ("random batch attention", { $0.hasPrefix("rba") }),
    ]

    /// Error against `cost`: small multiples, one panel per method family present, on shared axes,
    /// each with the Pareto front of all families and the cost of exact attention for reference.
    static func costFigure(_ r: WorkPrecisionReport, cost: KeyPath<WorkPrecisionRow, Double>, label: String) -> Figure {
        let names = NotebookSections.unique(r.rows.map(\.estimator)).filter { $0 != "exact" }
        let front = r.rows.filter { ($0.pareto && cost == \WorkPrecisionRow.flops || $0.paretoSeconds && cost == \WorkPrecisionRow.seconds) && $0.target == "attention" && $0.error.value > 0 }
            .sorted { $0[keyPath: cost] < $1[keyPath: cost] }
        var settings: [String] = []
        if let exact = r.rows.first(where: { $0.estimator == "exact" }) {
            settings.append("set arrow from \(exact[keyPath: cost]), graph 0 to \(exact[keyPath: cost]), graph 1 nohead dt 3 lc rgb 'gray30'")
            settings.append("set label 'exact' at \(exact[keyPath: cost]), graph 0.97 right rotate by 90 offset -0.3,0 font ',8' tc rgb 'gray30'")
        }
        var panels: [FigurePanel] = []
        for (family, member) in families {
            var series: [FigureSeries] = []
            for name in names where member(name) {
                let rows = r.rows.filter { $0.estimator == name && $0.error.value.isFinite && $0.error.value > 0 && $0[keyPath: cost] > 0 }
                guard !rows.isEmpty else { continue }
                let own = rows[0].target != "attention"
                series.append(FigureSeries(title: name + (own ? " (own kernel)" : ""),
                                           points: rows.map { NotebookSections.errorBar($0[keyPath: cost], $0.error) }, dashed: own))
            }
            guard !series.isEmpty else { continue }
            if !front.isEmpty {
                series.append(FigureSeries(title: "Pareto front", points: front.map { FigurePoint(x: $0[keyPath: cost], y: $0.error.value) },
                                           mark: .steps, colour: "#000000"))
            }
            panels.append(FigurePanel(title: family, xlabel: label, ylabel: "relative Frobenius error", series: series,
                                      settings: settings, key: "bottom left"))
        }
        let columns = min(2, panels.count)
        let rows = (panels.count + columns - 1) / max(1, columns)
        return Figure(panels, columns: columns, width: 4.0 * Double(columns), height: 0.6 + 2.8 * Double(rows))
    }

    static func dynamicsFigure(_ r: WorkPrecisionReport) -> Figure {
        var series: [FigureSeries] = []
        for name in NotebookSections.unique(r.trajectoryRows.map(\.estimator)) {
            let rows = r.trajectoryRows.filter { $0.estimator == name && $0.error.value.isFinite && $0.error.value > 0 }
            guard !rows.isEmpty else { continue }
            series.append(FigureSeries(title: name, points: rows.map { NotebookSections.errorBar($0.cost, $0.error) }))
        }
        let exactCost = Double(r.tokens * r.configuration.steps)
        return Figure([FigurePanel(xlabel: "pair interactions per token over the trajectory", ylabel: "RMS token error at T",
                                   series: series,
                                   settings: ["set arrow from \(exactCost), graph 0 to \(exactCost), graph 1 nohead dt 3 lc rgb 'gray30'"],
                                   key: series.count > 6 ? "below" : "bottom left")], height: series.count > 6 ? 5.0 : 3.8)
    }
}
