import Foundation

/// The opening lines of a work–precision table: per target, the estimators on the (flops, error)
/// front from cheapest to most accurate, and how many points the noise leaves undecided.
enum WorkPrecisionSummary {
    static func lines(rows: [WorkPrecisionRow], trajectoryRows: [WorkPrecisionTrajectoryRow]) -> [String] {
        var targets: [String] = []
        for r in rows where !targets.contains(r.target) { targets.append(r.target) }
        var out: [String] = []
        for target in targets {
            let group = rows.filter { $0.target == target }
            let front = group.filter { $0.front == .front }.sorted { $0.flops < $1.flops }
            let noisy = group.filter { $0.front == .withinNoise }
            let names = front.map { $0.estimator == "exact" ? "exact" : "\($0.estimator) \(format($0.size))" }
            var line = "front (flops vs error, \(target)): " + (names.count > 8 ? names.prefix(8).joined(separator: ", ") + ", … (\(names.count) points)" : names.joined(separator: ", "))
            if !noisy.isEmpty { line += "; \(noisy.count) more within noise of it (\(noisy.prefix(3).map { "\($0.estimator) \(format($0.size))" }.joined(separator: ", "))\(noisy.count > 3 ? ", …" : ""))" }
            out.append(line)
        }
        if !trajectoryRows.isEmpty, let best = trajectoryRows.filter({ $0.error.value.isFinite }).min(by: { $0.error.value < $1.error.value }) {
            out.append("inside the dynamics: least error at T \(format(best.error.value)) ± \(format(best.error.standardError, digits: 2)) by \(best.estimator) \(format(best.size)) (\(trajectoryRows.filter(\.pareto).count) points on its front)")
        }
        return out
    }
}
