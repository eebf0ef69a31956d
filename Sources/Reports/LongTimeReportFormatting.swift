import Foundation
import Studies
import NumericsCore

extension LongTimeReport {
    /// The human-readable table: summary of the orders, then one row per (p, τ).
    public func table() -> String {
        let c = configuration
        var lines = ["rbm-study long-time: RBM sampling the invariant measure of the linear system (N = \(c.particles), d = \(c.dimension), σ = \(format(c.linearSystem.noise)))",
                     "burn-in B = \(format(c.burnIn)), averaging time L = \(format(c.averagingTime)), \(c.trajectories) independent trajectories per (p, τ); invariant E f = m∞ = \(format(invariantSecondMoment, digits: 6)), f = (1/N)Σ‖Xᵢ‖²",
                     "summary:"]
        for o in orders {
            lines.append("  sampling error, p = \(o.batchSize): order \(o.fit.map { "\(format($0.order)) \(interval($0.ci95))" } ?? "no fit") vs \(format(o.theoryOrder)) — \(o.reading)")
        }
        lines.append("  95% intervals covering the exact expected time average: \(rows.filter(\.covered).count) of \(rows.count)")
        lines.append("")
        let widths = [4, 8, 26, 12, 7, 26, 12, 26, 12]
        lines.append(row(["p", "τ", "time average ± SE", "exact E", "z", "sampling error ± SE", "exact (t=∞)", "law at B+L: error ± SE", "exact"], widths: widths))
        for w in rows {
            lines.append(row(["\(w.batchSize)", format(w.dt), pm(w.timeAverage), format(w.expectedTimeAverage, digits: 5), format(w.zScore, digits: 2),
                              pm(w.samplingError), w.exactSamplingError.map { format($0) } ?? "unstable", pm(w.finalLawError),
                              format(w.exactFinalLawError)], widths: widths))
        }
        lines.append("")
        lines.append("orders of the sampling error (95% intervals):")
        for o in orders {
            let local = o.fit.map { $0.localOrders.map { $0.map { format($0) } ?? "—" }.joined(separator: ", ") } ?? "—"
            lines.append("  p = \(o.batchSize): \(o.fit.map { "\(format($0.order)) \(interval($0.ci95))" } ?? "—"), local [\(local)]; exact local [\(o.exactLocalOrders.map { $0.map { format($0) } ?? "—" }.joined(separator: ", "))]; theory \(format(o.theoryOrder)) (\(o.theorySource))")
        }
        lines.append("")
        lines.append("notes:")
        for note in notes { lines.append("  - \(note)") }
        lines.append("wall time \(format(manifest.wallSeconds)) s on \(c.threads) threads")
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }
}
