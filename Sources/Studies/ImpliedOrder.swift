import Foundation

/// The order a power-law fit would report if the error followed a fitted non-power-law model
/// e(τ) exactly (the theorem's strong shape, the weak error's expansion in τ), so that a
/// power-law verdict can be read against the model that the theory actually states.
///
/// It mirrors what the verdict rule reads (``OrderVerdictRule``): the least-squares slope of
/// log e on log τ over the whole grid when one order fits the data, else the local order
/// between the two finest steps. Cost O(L).
enum ImpliedOrder {
    /// `error(τ)` > 0 on every step; nil when it is not.
    static func order(of error: (Double) -> Double, timeSteps: [Double], singleOrderAdequate: Bool) -> Double? {
        let steps = timeSteps.sorted(by: >)
        guard steps.count >= 2 else { return nil }
        let values = steps.map(error)
        guard values.allSatisfy({ $0 > 0 && $0.isFinite }) else { return nil }
        if !singleOrderAdequate {
            let (coarse, fine) = (steps.count - 2, steps.count - 1)
            return log(values[coarse] / values[fine]) / log(steps[coarse] / steps[fine])
        }
        let u = steps.map { log($0) }, y = values.map { log($0) }
        let uBar = u.reduce(0, +) / Double(u.count), yBar = y.reduce(0, +) / Double(y.count)
        var suu = 0.0, suy = 0.0
        for k in u.indices { suu += (u[k] - uBar) * (u[k] - uBar); suy += (u[k] - uBar) * (y[k] - yBar) }
        return suu > 0 ? suy / suu : nil
    }

    /// Reads a power-law verdict of inconsistent or inconclusive through a fitted model whose
    /// order tends to `theory` as τ → 0 (`modelHolds`: the model fits and its leading term is
    /// resolved): when the order the model implies on this grid is itself outside theory ±
    /// tolerance, the power law's departure is the model's pre-asymptotic curvature, not a
    /// refutation, and the verdict becomes pre-asymptotic. Any other verdict is returned unchanged.
    static func reconcile(_ verdict: VerdictRecord, implied: Double?, modelHolds: Bool, model: String, theory: Double,
                          tolerance: Double, singleOrderAdequate: Bool) -> VerdictRecord {
        guard verdict.verdict == .inconsistent || verdict.verdict == .inconclusive, modelHolds,
              let implied, abs(implied - theory) > tolerance else { return verdict }
        let which = singleOrderAdequate ? "its least-squares order on this grid" : "its own local order at the two finest steps"
        return VerdictRecord(verdict: .preAsymptotic,
                             rule: "\(verdict.rule); but \(model) and \(which) is \(format(implied)), so order \(format(theory)) is reached only as τ → 0",
                             errorRate: verdict.errorRate, trajectoriesToDecide: nil)
    }
}
