import Foundation

/// A checkable claim about a convergence report: "the fitted <kind> order for batch size p is
/// within ±tolerance of q at 95% confidence": the point estimate lies in [q − δ, q + δ] and the
/// 95% CI (GLS) overlaps that band. Use it in tests:
///
///     let verdict = OrderClaim(kind: "batch", batchSize: 4, order: 0.5, tolerance: 0.1).check(report)
///     #expect(verdict.holds, "\(verdict.explanation)")
///
/// On failure, `explanation` carries the per-level table, the local orders and the seed, so the
/// run can be reproduced and diagnosed.
public struct OrderClaim: Sendable {
    public var kind: String
    public var batchSize: Int?
    public var order: Double
    public var tolerance: Double

    public init(kind: String, batchSize: Int? = nil, order: Double, tolerance: Double) {
        self.kind = kind
        self.batchSize = batchSize
        self.order = order
        self.tolerance = tolerance
    }

    public struct Verdict: Sendable {
        public var holds: Bool
        public var explanation: String
    }

    /// Holds when the fitted order lies within ±tolerance of the claimed order and the claimed
    /// order is within tolerance of the 95% CI (the CI is not entirely outside the band).
    public func check(_ report: ConvergenceReport) -> Verdict {
        guard let fit = report.fits.first(where: { $0.kind == kind && (batchSize == nil || $0.batchSize == batchSize) }) else {
            return Verdict(holds: false, explanation: "no \(kind) fit for batch size \(batchSize.map(String.init) ?? "any") in the report")
        }
        let lo = order - tolerance, hi = order + tolerance
        let holds = fit.order >= lo && fit.order <= hi && fit.ci95[1] >= lo && fit.ci95[0] <= hi
        var text = "claim: \(kind) order for p = \(fit.batchSize) is \(order) ± \(tolerance); fitted \(format(fit.order)) with 95% CI \(interval(fit.ci95)) (bootstrap \(fit.bootstrapCI95.map(interval) ?? "—")), seed \(report.configuration.seed)\n"
        text += "local orders: \(fit.localOrders.map { $0.map { format($0) } ?? "—" }.joined(separator: ", ")); lack-of-fit p = \(fit.lackOfFitP.map { format($0) } ?? "—")\n"
        text += report.table()
        return Verdict(holds: holds, explanation: text)
    }
}
