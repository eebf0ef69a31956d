import Foundation
import NumericsCore
import Studies

extension ConvergenceReport {
    /// A table a researcher reads at a glance: errors ± 1 SE per level, fitted orders with both
    /// 95% CIs and the theory, batch-size ratios, and warnings.
    public func table() -> String {
        var out: [String] = []
        let c = configuration
        out.append("rbm-study convergence — \(problem.name): N = \(problem.particles), d = \(problem.dimension), σ = \(format(problem.noise)), T = \(format(c.horizon)), \(c.trajectories) trajectories, seed \(c.seed)")
        out.append("")
        out.append("summary:")
        out += summary.map { "  \($0)" }
        out.append("")
        let refStep = reference.step.map { " at h = \(format($0))" } ?? ""
        out.append("reference: \(reference.method)\(refStep); reference vs finest τ: \(pm(reference.referenceVsFinest)); errors at T are RMS over particles and trajectories ± 1 SE")
        if reference.step != nil {
            out.append("  (time and weak errors include the reference's own O(h) error; --reference-refinement raises its accuracy)")
        }
        out.append("dynamics: \(problem.equation); approximate estimator: \(levels.first?.estimator ?? "—")")
        out.append("weak observable: \(observable)")
        if let exact = reference.exactExpectation, let bias = reference.weakBiasVsExact {
            out.append("exact E f(X(T)) = \(format(exact, digits: 6)) (closed form); the reference's own weak bias against it: \(pm(bias)); column 'vs exact' = mean f(RBM) − E f (unpaired)")
        }
        out.append("")
        let exact = reference.exactExpectation != nil
        let sizeWidth = max(5, (levels.map { format($0.size).count }.max() ?? 0) + 1)
        let levelWidths = [sizeWidth, 10, 22, 22, 22, 24, 3] + (exact ? [24] : [])
        out.append(row([sizeSymbol, "τ", "strong", "batch", "time", "weak", ""] + (exact ? ["vs exact"] : []), widths: levelWidths))
        for level in levels {
            out.append(row([format(level.size), format(level.dt), pm(level.strongError), pm(level.batchError),
                            pm(level.timeError), pm(level.weakError), level.weakErrorInformative ? "" : "~"]
                           + (exact ? [level.weakErrorVsExact.map(pm) ?? "—"] : []), widths: levelWidths))
        }
        out.append("  (~: weak error within 2 SE of zero, no information on the weak order)")
        out.append("")
        out.append("fitted orders (95% intervals): least squares of log e on log τ (time: on log(τ^q − h^q), h the reference step;")
        out.append("weak: b = C·τ^q + D by profile GLS) with delta-method SE (a refitting bootstrap interval is in the JSON, as a check);")
        out.append("* = no single order fits (lack of fit or deterministic misfit): the interval spans the local orders;")
        out.append("verdicts: equivalence with theory ± \(format(OrderVerdictRule.defaultTolerance)) (a pre-asymptotic grid is judged by its finest local order)")
        let widths = [max(6, sizeWidth), 7, 7, 19, 7, 16, 8, 30]
        out.append(row([sizeSymbol, "kind", "q", "95% CI", "theory", "verdict", "LoF p", "local orders (coarse → fine)"], widths: widths))
        for f in fits {
            let local = f.localOrders.map { $0.map { format($0, digits: 2) } ?? "—" }.joined(separator: " ")
            let mark = f.intervalKind == .localOrderRange ? "*" : ""
            out.append(row([f.estimator == "exact" ? "full" : sizeLabel(batchSize: f.batchSize), f.kind.rawValue, format(f.order), interval(f.ci95) + mark,
                            f.theoryOrder.map { format($0) } ?? "—", f.verdict.verdict.rawValue,
                            f.lackOfFitP.map { format($0, digits: 2) } ?? "—", local],
                           widths: widths))
        }
        if let shape = strongShape {
            out.append("")
            out.append("strong error against the theorem's shape C√(τ·g(p) + τ²), all batch sizes jointly: \(shape.model)")
            out.append("  A = \(pm(shape.batchCoefficient)) \(interval(shape.batchCoefficientCI95))   B = \(pm(shape.timeCoefficient)) (±1 SE: its 95% interval covered 80% of 40 seeds, so it is not printed)   LoF p \(shape.lackOfFitP.map { format($0, digits: 2) } ?? "—")   largest |residual| \(format(100 * shape.largestRelativeResidual, digits: 2))%   \(shape.verdict.verdict.rawValue)")
            out.append("  (\(shape.verdict.rule))")
        }
        if !batchSizeRatios.isEmpty {
            out.append("")
            out.append("batch-error ratios at the finest τ vs theory √(g(p₁)/g(p₂)), g(p) = E[1/(s−1)] − 1/(N−1) (= 1/(p−1) − 1/(N−1) when p | N):")
            for r in batchSizeRatios {
                out.append("  \(sizeSymbol) = \(sizeLabel(batchSize: r.batchSizes[0])) : \(sizeLabel(batchSize: r.batchSizes[1]))   measured \(pm(r.measured)) \(interval(r.ci95))   theory \(format(r.theory))   \(r.verdict.verdict.rawValue) (\(r.verdict.rule))")
            }
        }
        out += timeProfileTable()
        if let semicircle { out += semicircle.tableLines() }
        if !floors.isEmpty {
            out.append("")
            out.append("batch-error floors (RMS² = F² + A·τ, relative-weight least squares with sandwich SE; detected when F² > 4 SE and ≥ ¼ of the finest mean square):")
            for f in floors {
                out.append("  \(f.estimator) \(sizeSymbol) = \(sizeLabel(batchSize: f.batchSize))   F = \(pm(f.floor))   \(f.detected ? "detected" : "not detected")   A = \(pm(f.fit.slope))   LoF p \(f.fit.lackOfFitP.map { format($0, digits: 2) } ?? "—")")
            }
            if let s = floorScaling {
                out.append("  floor ∝ p^e: e = \(format(s.exponent)) \(interval(s.ci95))\(s.singleExponentAdequate ? "" : "* (no single exponent: spans the local ones)") over \(s.points) batch sizes (theory ≈ −1); LoF p \(s.lackOfFitP.map { format($0, digits: 2) } ?? "—"); local exponents \(s.localExponents.map { format($0, digits: 2) }.joined(separator: " "))   \(s.verdict.verdict.rawValue)")
            }
        }
        if !notes.isEmpty {
            out.append("")
            out.append("notes:")
            out += notes.map { "  - \($0)" }
        }
        out.append("")
        out.append("wall time \(format(manifest.wallSeconds)) s on \(manifest.threads) thread(s); BLAS \(manifest.blas); commit \(manifest.gitCommit)")
        return out.joined(separator: "\n") + "\n"
    }

    /// The batch errors and the time error along [0, T] at the finest τ (every τ is in the JSON
    /// and `time-profiles.csv`); empty without checkpoints.
    func timeProfileTable() -> [String] {
        guard let finest = timeProfiles.map(\.dt).min() else { return [] }
        let shown = timeProfiles.filter { $0.dt == finest && $0.kind != .strong }
        guard let times = shown.first?.times, let from = shown.compactMap(\.lateGrowth).first?.from else { return [] }
        var out = ["", "errors along [0, T] at the finest τ = \(format(finest)): RMS ± 1 SE at each checkpoint; sup = the largest and where;",
                   "growth = exponent q of e(t) ∝ t^q over t ≥ \(format(from)) with its 95% interval (≈ 0 once the error has stopped growing)"]
        let widths = [max(6, (levels.map { format($0.size).count }.max() ?? 0) + 1), 7] + times.map { _ in 22 } + [24, 24]
        out.append(row([sizeSymbol, "kind"] + times.map { "t = \(format($0))" } + ["sup (at t)", "growth [95% CI]"], widths: widths))
        for profile in shown {
            let growth = profile.lateGrowth.map { "\(format($0.exponent, digits: 2)) \(interval($0.ci95))" } ?? "—"
            out.append(row([profile.kind == .time ? "full" : sizeLabel(batchSize: profile.batchSize), profile.kind.rawValue] + profile.errors.map(pm)
                           + ["\(format(profile.supremum.value)) (\(format(profile.supremumTime)))", growth], widths: widths))
        }
        return out
    }

    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }
}

func row(_ cells: [String], widths: [Int]) -> String {
    zip(cells, widths).map { pad($0, $1) }.joined().trimmingCharacters(in: .whitespaces)
}
