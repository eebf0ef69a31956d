import Foundation
import NumericsCore

extension ConvergenceReport {
    /// Every statistic the report prints (table, JSON, CSV) that is not a finite number, by name,
    /// e.g. "batch-error ratio p = 2 : 4 (95% interval)". Empty for a usable report.
    ///
    /// Runs whose states stay finite can still give statistics that are not: errors of 10¹²⁰
    /// (an unstable coarse level) have mean squares whose variance overflows, and errors that
    /// underflow to exactly 0 make ratios and logarithms 0/0. A fit that found no order (method
    /// "none", verdict not assessed) and an optional statistic left out (nil) are not listed: they
    /// are reported as such, not as numbers.
    public func nonFiniteStatistics() -> [String] {
        var bad: [String] = []
        func check(_ numbers: [Double], _ name: @autoclosure () -> String) {
            if !numbers.allSatisfy(\.isFinite) { bad.append(name()) }
        }
        func numbers(_ e: Estimate) -> [Double] { [e.value, e.standardError] }
        for l in levels {
            let at = "p = \(l.batchSize), τ = \(format(l.dt))"
            check(numbers(l.strongError), "strong error at \(at)")
            check(numbers(l.batchError), "batch error at \(at)")
            check(numbers(l.timeError), "time error at \(at)")
            check(numbers(l.weakError), "weak error at \(at)")
            check(l.weakErrorVsExact.map(numbers) ?? [], "weak error against the exact expectation at \(at)")
        }
        for f in fits where f.method != "none" {
            let name = "\(f.kind.rawValue) order at p = \(f.batchSize)"
            check([f.order, f.standardError] + f.ci95, name)
            check(f.bootstrapCI95 ?? [], "\(name) (bootstrap interval)")
            check(f.localOrders.compactMap { $0 } + f.localOrderStandardErrors.compactMap { $0 }, "\(name) (local orders)")
            check(f.asymptoticOrder.map(numbers) ?? [], "\(name) (asymptotic order)")
        }
        for r in batchSizeRatios {
            let name = "batch-error ratio p = \(r.batchSizes[0]) : \(r.batchSizes[1])"
            check(numbers(r.measured) + [r.theory], name)
            check(r.ci95, "\(name) (95% interval)")
        }
        for f in floors {
            check(numbers(f.floor) + numbers(f.fit.slope), "batch-error floor at p = \(f.batchSize)")
        }
        if let s = floorScaling {
            check([s.exponent, s.standardError] + s.ci95 + s.localExponents, "floor scaling exponent")
        }
        if let s = strongShape {
            check(numbers(s.batchCoefficient) + s.batchCoefficientCI95 + numbers(s.timeCoefficient) + [s.largestRelativeResidual],
                  "strong error's shape coefficients")
        }
        for p in timeProfiles {
            let name = "\(p.kind.rawValue) error profile along [0, T] at p = \(p.batchSize), τ = \(format(p.dt))"
            check(p.errors.flatMap(numbers) + numbers(p.supremum), name)
            if let g = p.lateGrowth { check([g.exponent, g.standardError] + g.ci95 + g.localExponents, "\(name) (growth in t)") }
        }
        check(numbers(reference.referenceVsFinest), "reference against the finest τ")
        check(reference.weakBiasVsExact.map(numbers) ?? [], "reference's weak bias")
        return bad
    }
}
