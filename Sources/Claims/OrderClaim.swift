import Foundation
import Reports
import Studies

/// A checkable claim about a convergence report: "the fitted <kind> order for batch size p is
/// within ±tolerance of q", decided by the equivalence rule of `OrderVerdictRule` in the Studies
/// module (the 95% interval, or on a pre-asymptotic grid the finest local order's interval, lies
/// inside the band). An underpowered run is inconclusive, not "holds". Use it in tests:
///
///     let verdict = OrderClaim(kind: .batch, batchSize: 4, order: 0.5, tolerance: 0.1).check(report)
///     #expect(verdict.holds, "\(verdict.explanation)")
///
/// On failure, `explanation` carries the rule, the per-level table, the local orders and the
/// seed, so the run can be reproduced and diagnosed.
public struct OrderClaim: Sendable {
    public var kind: ConvergenceFitKind
    public var batchSize: Int?
    public var order: Double
    public var tolerance: Double

    public init(kind: ConvergenceFitKind, batchSize: Int? = nil, order: Double, tolerance: Double) {
        self.kind = kind
        self.batchSize = batchSize
        self.order = order
        self.tolerance = tolerance
    }

    public struct Verdict: Sendable {
        public var holds: Bool
        public var record: VerdictRecord?
        public var explanation: String
    }

    /// Holds when the verdict against order ± tolerance is "consistent".
    public func check(_ report: ConvergenceReport) -> Verdict {
        guard let fit = report.fits.first(where: { $0.kind == kind && (batchSize == nil || $0.batchSize == batchSize) }) else {
            return Verdict(holds: false, record: nil,
                           explanation: "no \(kind.rawValue) fit for batch size \(batchSize.map(String.init) ?? "any") in the report")
        }
        let record = OrderVerdictRule.verdict(for: fit, theory: order, tolerance: tolerance)
        let label = kind == .time ? "time order (full EM)" : "\(kind.rawValue) order for p = \(fit.batchSize)"
        var text = "claim: \(label) is \(order) ± \(tolerance): \(record.verdict.rawValue) (\(record.rule)); fitted \(format(fit.order)) with 95% CI \(interval(fit.ci95)) (bootstrap \(fit.bootstrapCI95.map(interval) ?? "—")), seed \(report.configuration.seed)\n"
        text += "local orders: \(fit.localOrders.map { $0.map { format($0) } ?? "—" }.joined(separator: ", ")); lack-of-fit p = \(fit.lackOfFitP.map { format($0) } ?? "—")\n"
        text += report.table()
        return Verdict(holds: record.verdict == .consistent, record: record, explanation: text)
    }
}
