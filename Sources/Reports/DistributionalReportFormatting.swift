import Foundation
import Studies
import NumericsCore

extension DistributionalReport {
    /// The human-readable table: summary of the orders, then weak errors and W₂ per τ.
    public func table() -> String {
        let c = configuration
        var lines = ["rbm-study distributional: RBM with replacement (p = \(c.batchSize)) vs the exact system in law at T = \(format(c.horizon))",
                     "system \(c.system.rawValue), N = \(c.particles), d = \(c.dimension), σ = \(format(c.resolvedNoise)), \(c.trajectories) trajectories in \(c.groups) groups, exact = Euler–Maruyama at h = \(format(c.referenceStep))",
                     "summary:"]
        for o in orders {
            let measured = o.fit.map { "\(format($0.order)) \(interval($0.ci95))" } ?? "no fit"
            lines.append("  \(o.quantity): order \(measured) vs \(format(o.theoryOrder)) — \(o.reading)")
        }
        lines.append("")
        lines.append("weak errors b(τ) = E f(RBM-r) − E f(exact) ± SE" + (weak.contains { $0.exactError != nil } ? "; exact = the exact expected RBM-r error, z = (b − exact)/SE" : ""))
        let widths = [16, 10, 10, 26, 12, 14, 8]
        lines.append(row(["observable", "τ", "κ", "b ± SE", "against", "exact", "z"], widths: widths))
        for w in weak {
            lines.append(row([w.observable.rawValue, format(w.dt), format(w.kappa), pm(w.error), w.against,
                              w.exactError.map { format($0) } ?? "—", w.zScore.map { format($0, digits: 2) } ?? "—"], widths: widths))
        }
        lines.append("")
        lines.append((c.dimension == 1 ? "W₂" : "sliced W₂ (\(directions) directions)") + " between the one-particle empirical laws (pooled per group), floor-corrected:")
        let dw = [9, 9, 22, 22, 22, 22, 22, 12]
        lines.append(row(["τ", "κ", "W₂²(RBM-r, exact)", "W₂²(exact′, exact)", "W₂²(RBM-r′, RBM-r)", "corrected W₂²", "W₂", "Gelbrich ≤"], widths: dw))
        for r in distances {
            lines.append(row([format(r.dt), format(r.kappa), pm(r.raw), pm(r.floor), pm(r.replacementFloor), pm(r.corrected),
                              r.distance.map(pm) ?? "within floor", r.gelbrichLowerBound.map { format($0) } ?? "—"], widths: dw))
        }
        if distances.contains(where: { $0.gelbrichLowerBound != nil }) {
            lines.append("Gelbrich ≤: the exact W₂ between Gaussians with the two laws' second moments (moment recursions), a lower bound on W₂")
        }
        lines.append("")
        lines.append("orders (95% intervals):")
        for o in orders {
            let local = o.fit.map { $0.localOrders.map { $0.map { format($0) } ?? "—" }.joined(separator: ", ") } ?? "—"
            lines.append("  \(o.quantity): \(o.fit.map { format($0.order) } ?? "—") \(o.fit.map { interval($0.ci95) } ?? ""), local [\(local)]"
                         + (o.exactLocalOrders.map { "; exact local [\($0.map { $0.map { format($0) } ?? "—" }.joined(separator: ", "))]" } ?? "")
                         + (o.exactOrder.map { "; exact order on this grid \(format($0))" } ?? "")
                         + "; theory \(format(o.theoryOrder)) (\(o.theorySource))")
        }
        lines.append("")
        lines.append("notes:")
        for note in notes { lines.append("  - \(note)") }
        lines.append("wall time \(format(manifest.wallSeconds)) s on \(c.threads) threads")
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }
}
