import Foundation
import NumericsCore

/// Where a work–precision point stands against the Pareto front of (cost, error) among the
/// points with the same target, once the errors' noise is taken into account.
public enum ParetoStatus: String, Codable, Sendable {
    /// No other point is at most as costly and at most as wrong (the plain Pareto flag).
    case front = "front"
    /// Dominated by the point estimates, but no dominating point is better beyond noise: the
    /// error gap is within z·√(SE₁² + SE₂²), z = 1.96, so the data cannot exclude it from the front.
    case withinNoise = "within noise"
    /// Some point at most as costly has an error lower by more than 1.96·√(SE₁² + SE₂²)
    /// (a one-sided 2.5% test per pair; exact for deterministic points, SE 0).
    case dominated = "dominated"

    /// Statuses for points (cost, error ± SE, group). Non-finite errors are dominated.
    public static func classify(cost: [Double], error: [Estimate], group: [String]) -> [ParetoStatus] {
        let flags = WorkPrecisionReport.paretoFlags(cost: cost, error: error.map(\.value), group: group)
        return cost.indices.map { i in
            if flags[i] { return .front }
            guard error[i].value.isFinite, cost[i].isFinite else { return .dominated }
            let beaten = cost.indices.contains { j in
                guard j != i, group[j] == group[i], cost[j] <= cost[i], error[j].value.isFinite else { return false }
                let noise = (error[i].standardError * error[i].standardError + error[j].standardError * error[j].standardError).squareRoot()
                return error[i].value - error[j].value > 1.959963984540054 * noise
                    || (noise == 0 && cost[j] < cost[i] && error[j].value <= error[i].value)
            }
            return beaten ? .dominated : .withinNoise
        }
    }
}
