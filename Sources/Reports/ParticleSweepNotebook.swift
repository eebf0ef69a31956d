import Foundation
import NumericsCore
import Studies

/// The Markdown notebook of an N sweep (`convergence --particles N₁,N₂,… --report FILE.md`):
/// the answer first, the exponents, a log–log plot of the batch error at the finest τ against N
/// (one line per batch size, ±2 SE bars), and the cost per step.
public enum ParticleSweepNotebook {
    public static func write(_ report: ParticleSweepReport, to url: URL, plotFormats: [PlotFormat] = [.svg]) throws {
        let svgURL = url.deletingPathExtension().appendingPathExtension("svg")
        let plot = NotebookSections.plot(figure(report), to: svgURL, formats: plotFormats, alt: "batch error against N")
        try AtomicFile.write(markdown(report, plot: plot), to: url)
    }

    static func markdown(_ r: ParticleSweepReport, plot: String) -> String {
        var md = NotebookSections.header("Random Batch Method: does the error depend on N? (\(r.reports.first?.problem.name ?? ""))", manifest: r.manifest)
        let batch = r.particleScaling.filter { $0.kind == .batch }
        md.append("## Answer")
        md.append("")
        for s in batch {
            md.append("- p = \(s.batchSize): the batch error at τ = \(format(s.dt)) scales like N^\(format(s.exponent)) (95% CI \(interval(s.ci95))); against the theory exponent 0 ± \(format(ParticleScalingStudy.tolerance)): **\(s.verdict.verdict.rawValue)** (\(s.verdict.rule)).")
        }
        md.append("")
        md.append("## Question")
        md.append("")
        md.append("The RBM error bound C·√(τ·g(p)) (Jin, Li, Liu, arXiv 1812.10575) has a constant C that does not depend on the number of particles N. Is that what the measured batch error does when N grows at fixed τ and p?")
        md.append("")
        md.append("## Exponents in N")
        md.append("")
        md.append("| kind | p | " + r.particleCounts.map { "N = \($0)" }.joined(separator: " | ") + " | exponent [95% CI] | verdict |")
        md.append("|---|---|" + String(repeating: "---|", count: r.particleCounts.count) + "---|---|")
        for s in r.particleScaling {
            md.append("| \(s.kind.rawValue) | \(s.kind == .time ? "—" : "\(s.batchSize)") | " + s.errors.map { "\(format($0.value)) ± \(format($0.standardError))" }.joined(separator: " | ")
                      + " | \(format(s.exponent)) \(interval(s.ci95)) | \(s.verdict.verdict.rawValue) |")
        }
        md.append("")
        md.append("Each N runs with its own seed (derived from the study's seed and the rank of N), so the points are independent; the exponent is the weighted least-squares slope of log error on log N, widened by √(χ²/dof) when the points scatter more than their SEs allow.")
        md.append("")
        md.append(plot)
        md.append("")
        md.append("## Cost")
        md.append("")
        md.append("| N | CPU seconds per trajectory step |")
        md.append("|---|---|")
        for c in r.cost { md.append("| \(c.particles) | \(format(c.cpuSecondsPerStep)) |") }
        md.append("")
        md += NotebookSections.warnings(r.warnings)
        md += NotebookSections.command(r.manifest, fallback: "rbm-study convergence --particles " + r.particleCounts.map(String.init).joined(separator: ","))
        md += NotebookSections.environment(r.manifest, wallTime: String(format: "%.1f", r.manifest.wallSeconds))
        return md.joined(separator: "\n")
    }

    static func figure(_ r: ParticleSweepReport) -> Figure {
        let series = r.particleScaling.filter { $0.kind == .batch }.map { s in
            FigureSeries(title: "p = \(s.batchSize) (exponent \(format(s.exponent)))",
                         points: zip(s.particles, s.errors).filter { $0.1.value > 0 }.map { NotebookSections.errorBar(Double($0.0), $0.1) })
        }
        return Figure([FigurePanel(xlabel: "particles N", ylabel: "RMS batch error at the finest τ", series: series, key: "below")],
                      height: 4.2)
    }
}
