import Foundation
import Studies

/// The Markdown notebook of a variance sweep (`--report FILE.md`): every closed form against
/// measurement (table and a measured-versus-theory plot), the fitted laws, and the comparison
/// across schemes at matched cost (mean squared error against cost, and the work-normalised error
/// MSE × cost), with the explanation read from the formulas. SVG plots are written beside the
/// notebook as `NAME-SYSTEM-laws.svg` and `NAME-SYSTEM-cost.svg` (and `.pdf`/`.png` in the other
/// `plotFormats`).
public enum VarianceSweepNotebook {
    public static func write(_ report: VarianceSweepReport, to url: URL, plotFormats: [PlotFormat] = [.svg]) throws {
        let base = url.deletingPathExtension().lastPathComponent
        var plots: [String: (laws: String, cost: String)] = [:]
        for system in report.configuration.systems {
            let lawsURL = url.deletingLastPathComponent().appendingPathComponent("\(base)-\(system)-laws.svg")
            let costURL = url.deletingLastPathComponent().appendingPathComponent("\(base)-\(system)-cost.svg")
            let laws = lawsFigure(report, system: system).map {
                NotebookSections.plot($0, to: lawsURL, formats: plotFormats, alt: "measured against theory")
            } ?? "(no closed forms in this system's rows)"
            let cost = NotebookSections.plot(costFigure(report, system: system), to: costURL, formats: plotFormats, alt: "error against cost")
            plots[system] = (laws, cost)
        }
        try AtomicFile.write(markdown(report, plots: plots), to: url)
    }

    static func markdown(_ r: VarianceSweepReport, plots: [String: (laws: String, cost: String)]) -> String {
        let c = r.configuration
        var md = NotebookSections.header("Variance laws of sampling schemes, side by side", manifest: r.manifest)
        md.append("## Question")
        md.append("")
        md.append("Do the closed-form variances of random batch (with and without replacement), Bernoulli (Horvitz–Thompson), YOSO and column sampling hold at fixed configurations, are the unbiased schemes unbiased, and which scheme gives the least error per pair interaction at the same expected cost, and why?")
        md.append("")
        md.append("## Answer")
        md.append("")
        for line in r.summary { md.append("- \(line)") }
        md.append("")
        md.append("Verdict rules and their error rates: the zero-bias test and the variance-law test below; both are measured on exactly unbiased estimators and exact laws by `rbm-study variance-sweep --calibrate R` (see calibration.md).")
        md.append("")
        md.append("## Mathematics")
        md.append("")
        md.append("For the interaction sum yᵢ = (1/(N−1)) Σ_{j≠i} kᵢⱼ with spread Λᵢ = (1/(N−2)) Σ_{j≠i}‖kᵢⱼ − yᵢ‖² and raw moment Sᵢ = Σ_{j≠i}‖kᵢⱼ‖² = (N−2)Λᵢ + (N−1)‖yᵢ‖², the schemes' mean squared errors E‖ŷᵢ − yᵢ‖² are")
        md.append("")
        md.append("| scheme | size | cost per particle | E‖ŷᵢ − yᵢ‖² |")
        md.append("|---|---|---|---|")
        md.append("| random-batch (RBM-1) | p | p − 1 | (1/(p−1) − 1/(N−1)) Λᵢ |")
        md.append("| random-batch-replacement | p | p − 1 | (N−2)/((N−1)(p−1)) Λᵢ |")
        md.append("| bernoulli (HT) | π | π(N−1) | ((1−π)/π) Sᵢ/(N−1)² |")
        md.append("| uniform-columns (shared) | c | c(N−1)/N | (1/c)(N Sᵢ/(N−1)² − ‖yᵢ‖²) |")
        md.append("")
        md.append("On attention (scores sᵢⱼ = β⟨qᵢ,kⱼ⟩, O = BV): mean-field RBA and Bernoulli are the same laws on fᵢⱼ = e^{sᵢⱼ}vⱼ (scaled by ((N−1)/N)² and 1/N²); YOSO (m hashes, τ bits) has E‖Ŷᵢ − Yᵢ‖² = (1/m) Σ_{j,l}[(1 − (θ_{qkⱼ}+θ_{qkₗ}+θ_{kⱼkₗ})/(2π))^τ − BⱼBₗ]⟨vⱼ,vₗ⟩ against YOSO-E; column sampling with probabilities p has the Drineas–Kannan–Mahoney identity E‖Ôᵢ − Oᵢ‖² = (1/c)(Σⱼ B²ᵢⱼ‖Vⱼ‖²/pⱼ − ‖Oᵢ‖²), minimised by pⱼ ∝ ‖B⁽ʲ⁾‖‖Vⱼ‖. Softmax ratios (RBA, Bernoulli), normalised YOSO and Skeinformer have no closed form and are biased: their rows are measured only.")
        md.append("")
        md.append("Variances are per particle (mean over i, summed over components), averaged over \(c.configurations) fixed configuration(s), each with \(c.draws) draws; ± values are 1 SE (the SE of the variance from the fourth moment), intervals are 95%. The zero-bias test pools the configurations into T = R Σ‖ȳ − y‖² / Σ V, with V the closed-form trace of the covariance where the estimator has one (else the sample trace), and p = P[χ²₁ ≥ T], an upper bound on the Gaussian tail whatever the covariance (Székely & Bakirov 2003). Its verdict is three-way: \(BiasVerdict.detected.rawValue) (p < \(g(ZeroBiasTest.level, 2)), false-positive rate ≤ \(g(ZeroBiasTest.level, 2))), \(BiasVerdict.consistentWithUnbiased.rawValue), or \(BiasVerdict.inconclusive.rawValue) where the draws cannot resolve it (kurtosis κ/R > \(g(ZeroBiasTest.maximumKurtosisPerDraw, 2)), or no variation without a closed form). Rule: \(ZeroBiasTest.rule). The variance law is judged on the log scale: z = log(v̂/θ)/(SE/v̂); |z| > 3.29 → inconsistent (false alarm ≤ 0.1% per row), the ratio's 95% interval inside 1 ± \(g(VarianceLawTest.tolerance)) → consistent, otherwise inconclusive.")
        md.append("")
        md += NotebookSections.command(r.manifest, fallback: "rbm-study variance-sweep")
        for system in c.systems {
            let rows = r.rows.filter { $0.system == system }
            let n = (try? c.count(system: system)) ?? c.particles
            let title = system == "attention"
                ? "attention (\(c.attention.normalization.rawValue), β = \(g(c.attention.beta)), N = \(n), d = \(c.dimension(system: system)), tokens \(c.attention.tokensFile ?? c.attention.tokenDistribution), maps \(c.attention.maps), YOSO τ = \(c.yosoBits))"
                : "\(system) particle system (N = \(n), d = \(c.dimension(system: system)))"
            md.append("## \(title)")
            md.append("")
            md.append("### Closed forms against measurement")
            md.append("")
            md.append("| estimator | size | cost | variance ± SE | theory | ratio [95% CI] | bias ± SE | p(bias = 0) | bias test | κ | variance law |")
            md.append("|---|---|---|---|---|---|---|---|---|---|---|")
            for row in rows {
                let ratio = row.ratio.map { "\(g($0, 3)) [\(g(row.ratioCI95![0], 3)), \(g(row.ratioCI95![1], 3))]" } ?? "—"
                md.append("| \(row.estimator) | \(g(row.size, 4)) | \(g(row.cost, 4)) | \(g(row.variance.value, 4)) ± \(g(row.variance.standardError, 2)) | \(row.theoryVariance.map { g($0, 4) } ?? "—") | \(ratio) | \(g(row.bias.value, 3)) ± \(g(row.bias.standardError, 2)) | \(g(row.biasPValue, 2)) | \(row.biasVerdict.rawValue) | \(g(row.kurtosis, 3)) | \(row.varianceVerdict.verdict.rawValue) |")
            }
            md.append("")
            let fits = r.fits.filter { $0.system == system }
            if !fits.isEmpty {
                md.append("### Fitted laws: log variance = intercept + slope · log x")
                md.append("")
                md.append("x is the closed form where one exists (the law holds when slope = 1 and intercept = 0), otherwise the cost (an empirical law). Weights from the SEs; 95% intervals, widened by √(χ²/dof) when the points scatter more than their SEs allow; LoF p: lack-of-fit χ². Verdict: the slope's interval inside 1 ± \(g(VarianceSweepStudy.slopeTolerance)) (two one-sided tests).")
                md.append("")
                md.append("| estimator | x | points | slope [95% CI] | intercept [95% CI] | LoF p | verdict |")
                md.append("|---|---|---|---|---|---|---|")
                for f in fits {
                    md.append("| \(f.estimator) | \(f.kind.rawValue) | \(f.points) | \(g(f.slope, 4)) [\(g(f.slopeCI95[0], 4)), \(g(f.slopeCI95[1], 4))] | \(g(f.intercept, 3)) [\(g(f.interceptCI95[0], 3)), \(g(f.interceptCI95[1], 3))] | \(f.lackOfFitP.map { g($0, 2) } ?? "—") | \(f.verdict.verdict.rawValue) |")
                }
                md.append("")
            }
            md.append(plots[system]?.laws ?? "")
            md.append("")
            md.append("Measured variance (±2 SE) against the closed form, log–log; the diagonal is equality. Schemes with equal laws give equal points, so the k-th of n schemes is drawn shifted right by the factor 10^(\(lawsOffset)·(k − (n−1)/2)) (about 10% between neighbours) to keep every one visible.")
            md.append("")
            md.append("### Matched-cost comparison")
            md.append("")
            md.append(plots[system]?.cost ?? "")
            md.append("")
            md.append("Mean squared error per particle (variance + squared bias, ±2 SE) against expected cost per particle, log–log.")
            md.append("")
            md.append(contentsOf: matchedCostTable(rows))
            md.append(contentsOf: explanation(system: system, rows: rows, normalization: c.attention.normalization.rawValue))
        }
        md += NotebookSections.warnings(r.warnings)
        md += NotebookSections.environment(r.manifest, wallTime: g(r.manifest.wallSeconds, 3))
        return md.joined(separator: "\n")
    }

    /// (MSE/targetRMS²)·cost: relative error times work (lower is better).
    static func efficiency(_ row: VarianceSweepRow) -> Double {
        row.meanSquaredError.value / max(row.targetRMS * row.targetRMS, .leastNormalMagnitude) * row.cost
    }

    /// Rows grouped by cost (within 20%), ranked by ``efficiency(_:)``.
    static func matchedCostTable(_ rows: [VarianceSweepRow]) -> [String] {
        var groups: [[VarianceSweepRow]] = []
        for row in rows.sorted(by: { $0.cost < $1.cost }) {
            if let last = groups.last, let first = last.first, row.cost <= first.cost * 1.2 { groups[groups.count - 1].append(row) } else { groups.append([row]) }
        }
        let shared = groups.filter { Set($0.map(\.estimator)).count >= 2 }
        guard !shared.isEmpty else {
            return ["No two estimators share a cost level in this run; use `--match-cost` for a matched comparison.", ""]
        }
        var md = ["Ranked by the work-normalised relative error (MSE/‖target‖²)·cost, where ‖target‖² is the mean squared norm of the estimator's own target (YOSO's is YOSO-E, a different kernel; normalised YOSO's has unit rows), so schemes with different estimands are compared on one scale. Lower is better.", "",
                  "| cost | ranking: estimator (relative MSE × cost) |", "|---|---|"]
        for group in shared {
            let ranked = group.sorted { efficiency($0) < efficiency($1) }
            let text = ranked.map { "\($0.estimator) \(g(efficiency($0), 3))" }.joined(separator: " < ")
            md.append("| \(g(group[0].cost, 3)) | \(text) |")
        }
        md.append("")
        return md
    }

    /// What the formulas say about the ranking; numbers from the rows where they exist.
    static func explanation(system: String, rows: [VarianceSweepRow], normalization: String) -> [String] {
        var md = ["**Reading the ranking from the formulas.**", ""]
        if system == "attention" {
            md.append("- Random batch and Bernoulli pay for different moments of fᵢⱼ = e^{sᵢⱼ}vⱼ: random batch for its spread Λᵢ(f), Bernoulli for its raw second moment Σⱼ‖fᵢⱼ‖² = (N−2)Λᵢ + (N−1)‖f̄ᵢ‖². At matched cost Bernoulli/RBA = (N−2)/(N−1) + ‖f̄ᵢ‖²/Λᵢ(f): with values whose weighted mean is not small against their spread, random batch wins.")
            md.append("- Column sampling with uniform p pays N·Σⱼ B²ᵢⱼ‖Vⱼ‖²; importance sampling replaces it by (Σⱼ‖B⁽ʲ⁾‖‖Vⱼ‖)² summed over rows (Cauchy–Schwarz), a gain exactly when the column norms ‖B⁽ʲ⁾‖‖Vⱼ‖ are uneven; but both use the exact B, whose normaliser and probabilities cost N² scores per configuration (an oracle). Shared columns also make all rows' errors move together.")
            md.append("- YOSO estimates a different kernel (collision probability (1 − θ/π)^τ, not e^{β⟨q,k⟩}); its cost per hash is τ + 1 score-equivalents, and its variance (1/m)·[three-point collision sums − B²] falls only as 1/m: at equal cost it competes only when the kernel is broad (small τ).")
            md.append("- Skeinformer trades variance for bias: the adaptive normaliser and the filled-in mean of unseen columns shrink the variance far below plain column sampling at small c, but leave a bias that does not average out (see p-values); the ablation rows show which component buys what.")
        } else {
            md.append("- Random batch pays for the spread Λᵢ and enjoys the finite-population factor (N−p)/(N−1) (exact at p = N); with replacement forgoes it: ratio (N−2)/(N−p).")
            md.append("- Bernoulli pays for the raw second moment Sᵢ = (N−2)Λᵢ + (N−1)‖yᵢ‖²: at matched cost p − 1 = π(N−1), Bernoulli/random batch = (N−2)/(N−1) + ‖yᵢ‖²/Λᵢ, so it loses whenever the mean force is not negligible against its spread, and ties (slightly wins) only when yᵢ ≈ 0.")
            md.append("- Uniform columns shared by all particles also pay for Sᵢ (N/(N−1)² Sᵢ − ‖yᵢ‖² per column), like Bernoulli without the finite-population factor (1 − π); their errors are correlated across particles, which matters when the estimate drives dynamics.")
        }
        if let best = rows.filter({ $0.cost > 0 && $0.meanSquaredError.value > 0 }).min(by: { efficiency($0) < efficiency($1) }) {
            md.append("- In this run the least relative error per pair interaction is \(best.estimator) at size \(g(best.size, 4)) (cost \(g(best.cost, 3)), relative MSE × cost \(g(efficiency(best), 3))\(best.declaredUnbiased ? "" : "; biased: its error is mostly squared bias, which more work does not remove")).")
        }
        md.append("")
        return md
    }

    /// The horizontal shift between consecutive schemes in the laws plot, in decades.
    static let lawsOffset = 0.04

    /// Measured against closed-form variance, one series per scheme, each shifted horizontally by
    /// ``lawsOffset`` decades from the previous one so that coinciding schemes stay visible.
    static func lawsFigure(_ r: VarianceSweepReport, system: String) -> Figure? {
        let rows = r.rows.filter { $0.system == system && ($0.theoryVariance ?? 0) > 0 && $0.variance.value > 0 }
        guard !rows.isEmpty else { return nil }
        let names = NotebookSections.unique(rows.map(\.estimator))
        let series = names.enumerated().map { k, name in
            let shift = pow(10, lawsOffset * (Double(k) - Double(names.count - 1) / 2))
            return FigureSeries(title: name, points: rows.filter { $0.estimator == name }.map {
                NotebookSections.errorBar($0.theoryVariance! * shift, $0.variance)
            }, mark: .points)
        }
        return Figure([FigurePanel(xlabel: "closed-form variance per particle", ylabel: "measured variance per particle", series: series,
                                   curves: ["x with lines dt 2 lc rgb 'gray40' title 'measured = theory'"], key: "bottom right")])
    }

    static func costFigure(_ r: VarianceSweepReport, system: String) -> Figure {
        let rows = r.rows.filter { $0.system == system && $0.meanSquaredError.value > 0 && $0.cost > 0 }
        let series = NotebookSections.unique(rows.map(\.estimator)).map { name in
            FigureSeries(title: name, points: rows.filter { $0.estimator == name }.map {
                NotebookSections.errorBar($0.cost, $0.meanSquaredError)
            })
        }
        return Figure([FigurePanel(xlabel: "expected cost per particle (pairs or scores)", ylabel: "MSE per particle",
                                   series: series, key: series.count > 6 ? "below" : "top right")],
                      width: 5.5, height: series.count > 6 ? 5.2 : 3.8)
    }

    static func g(_ x: Double, _ digits: Int = 4) -> String { x.isFinite ? String(format: "%.\(digits)g", x) : "—" }
}
