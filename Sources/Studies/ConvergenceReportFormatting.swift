import Foundation
import NumericsCore

extension ConvergenceReport {
    /// A table a researcher reads at a glance: errors ± 1 SE per level, fitted orders with both
    /// 95% CIs and the theory, batch-size ratios, and warnings.
    public func table() -> String {
        var out: [String] = []
        let c = configuration
        out.append("rbm-study convergence — \(problem.name): N = \(problem.particles), d = \(problem.dimension), σ = \(format(problem.noise)), T = \(format(c.horizon)), \(c.trajectories) trajectories, seed \(c.seed)")
        let refStep = reference.step.map { " at h = \(format($0))" } ?? ""
        out.append("reference: \(reference.method)\(refStep); reference vs finest τ: \(pm(reference.referenceVsFinest)); errors at T are RMS over particles and trajectories ± 1 SE")
        if reference.step != nil {
            out.append("  (time and weak errors include the reference's own O(h) error; --reference-refinement raises its accuracy)")
        }
        out.append("dynamics: \(problem.equation); approximate estimator: \(levels.first?.estimator ?? "—")")
        out.append("weak observable: \(observable)")
        out.append("")
        out.append(row(["p", "τ", "strong", "batch", "time", "weak", ""], widths: [5, 10, 22, 22, 22, 24, 2]))
        for level in levels {
            out.append(row([String(level.batchSize), format(level.dt), pm(level.strongError), pm(level.batchError),
                            pm(level.timeError), pm(level.weakError), level.weakErrorInformative ? "" : "~"],
                           widths: [5, 10, 22, 22, 22, 24, 2]))
        }
        out.append("  (~: weak error within 2 SE of zero, no information on the weak order)")
        out.append("")
        out.append("fitted orders e ≈ C·τ^q (95% CIs: GLS with cross-level covariance | trajectory bootstrap);")
        out.append("q with O(τ) corr.: log e = log C + q log τ + bτ by GLS, the asymptotic order when the grid is pre-asymptotic")
        let widths = [6, 7, 7, 17, 17, 24, 7, 7, 30]
        out.append(row(["p", "kind", "q", "CI (GLS)", "CI (bootstrap)", "q with O(τ) corr. (CI)", "theory", "LoF p", "local orders (coarse → fine)"], widths: widths))
        for f in fits {
            let boot = f.bootstrapCI95.map(interval) ?? "—"
            let local = f.localOrders.map { $0.map { format($0, digits: 2) } ?? "—" }.joined(separator: " ")
            let corrected = f.corrected.map { "\(format($0.order)) \(interval($0.ci95))" } ?? "—"
            out.append(row([f.estimator == "exact" ? "full" : String(f.batchSize), f.kind, format(f.order), interval(f.ci95), boot, corrected,
                            f.theoryOrder.map { format($0) } ?? "—", f.lackOfFitP.map { format($0, digits: 2) } ?? "—", local],
                           widths: widths))
        }
        if !batchSizeRatios.isEmpty {
            out.append("")
            out.append("batch-error ratios at the finest τ vs theory √(g(p₁)/g(p₂)), g(p) = E[1/(s−1)] − 1/(N−1) (= 1/(p−1) − 1/(N−1) when p | N):")
            for r in batchSizeRatios {
                out.append("  p = \(r.batchSizes[0]) : \(r.batchSizes[1])   measured \(pm(r.measured))   theory \(format(r.theory))   \(r.consistent95 ? "consistent (95%)" : "INCONSISTENT (95%)")")
            }
        }
        if !floors.isEmpty {
            out.append("")
            out.append("batch-error floors (RMS² = F² + A·τ by GLS; detected when F² > 4 SE and ≥ ¼ of the finest mean square):")
            for f in floors {
                out.append("  \(f.estimator) p = \(f.batchSize)   F = \(pm(f.floor))   \(f.detected ? "detected" : "not detected")   A = \(pm(f.fit.slope))   LoF p \(f.fit.lackOfFitP.map { format($0, digits: 2) } ?? "—")")
            }
            if let s = floorScaling {
                out.append("  floor ∝ p^e: e = \(format(s.exponent)) \(interval(s.ci95)) over \(s.points) batch sizes (theory ≈ −1); LoF p \(s.lackOfFitP.map { format($0, digits: 2) } ?? "—"); local exponents \(s.localExponents.map { format($0, digits: 2) }.joined(separator: " "))")
            }
        }
        if !warnings.isEmpty {
            out.append("")
            out.append("warnings:")
            out += warnings.map { "  - \($0)" }
        }
        out.append("")
        out.append("wall time \(format(manifest.wallSeconds)) s on \(manifest.threads) thread(s); BLAS \(manifest.blas); commit \(manifest.gitCommit)")
        return out.joined(separator: "\n") + "\n"
    }

    /// Floors as CSV (one row per estimator and batch size).
    public func floorsCSV() -> String {
        csvTable(header: "estimator,batchSize,floor,floorSE,detected,slopeA,slopeASE,lackOfFitP", floors) { f in
            [f.estimator, String(f.batchSize), csv(f.floor.value), csv(f.floor.standardError), String(f.detected),
             csv(f.fit.slope.value), csv(f.fit.slope.standardError), f.fit.lackOfFitP.map(csv) ?? ""]
        }
    }

    /// Levels as CSV (one row per batch size and τ; estimates as value and SE columns).
    public func levelsCSV() -> String {
        csvTable(header: "estimator,batchSize,dt,trajectories,strongError,strongErrorSE,batchError,batchErrorSE,timeError,timeErrorSE,weakError,weakErrorSE,weakErrorInformative",
                 levels) { l in
            [l.estimator, String(l.batchSize), csv(l.dt), String(l.trajectories),
             csv(l.strongError.value), csv(l.strongError.standardError),
             csv(l.batchError.value), csv(l.batchError.standardError),
             csv(l.timeError.value), csv(l.timeError.standardError),
             csv(l.weakError.value), csv(l.weakError.standardError), String(l.weakErrorInformative)]
        }
    }

    /// Fits as CSV.
    public func fitsCSV() -> String {
        csvTable(header: "estimator,batchSize,kind,order,ci95Low,ci95High,bootstrapLow,bootstrapHigh,standardError,lackOfFitP,theoryOrder,correctedOrder,correctedLow,correctedHigh",
                 fits) { f in
            [f.estimator, String(f.batchSize), f.kind, csv(f.order), csv(f.ci95[0]), csv(f.ci95[1]),
             csv(f.bootstrapCI95?[0]), csv(f.bootstrapCI95?[1]), csv(f.standardError),
             csv(f.lackOfFitP), csv(f.theoryOrder), csv(f.corrected?.order), csv(f.corrected?.ci95[0]),
             csv(f.corrected?.ci95[1])]
        }
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }
}

func pm(_ e: Estimate) -> String { "\(format(e.value)) ± \(format(e.standardError, digits: 2))" }
func interval(_ ci: [Double]) -> String { "[\(format(ci[0])), \(format(ci[1]))]" }
func csv(_ x: Double?) -> String { x.map { $0.isFinite ? String($0) : "nan" } ?? "" }
func row(_ cells: [String], widths: [Int]) -> String {
    zip(cells, widths).map { pad($0, $1) }.joined().trimmingCharacters(in: .whitespaces)
}
