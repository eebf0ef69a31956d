import Foundation

extension ConvergenceReport {
    /// The constant C of the line C·τ^q with the fitted order q through the batch errors e_k of
    /// batch size `batchSize`: C = exp(mean_k(log e_k − q·log τ_k)) over the levels with e_k > 0
    /// (1 when there is none), the line a figure draws beside the measured points. O(levels).
    public func batchErrorLineConstant(batchSize: Int, order q: Double) -> Double {
        let logs = levels.filter { $0.batchSize == batchSize && $0.batchError.value > 0 }.map { log($0.batchError.value) - q * log($0.dt) }
        return exp(logs.reduce(0, +) / Double(max(1, logs.count)))
    }
}
