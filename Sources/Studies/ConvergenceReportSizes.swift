import Foundation

/// The size parameter of a convergence report's estimator, for its labels: the symbol (p, π, m,
/// c, F) heads the tables' size column, and each batch size p of `--batch-sizes` maps to the
/// estimator's size (p itself, or the cost-matched keep probability π = (p−1)/(N−1)).
extension ConvergenceReport {
    /// The symbol of the estimator's size parameter (p, π, m, c, F): the column header of every table.
    public var sizeSymbol: String { Studies.sizeSymbol(of: levels.first?.sizeName ?? "p") }

    /// The estimator's size at batch size p, as the tables print it (π for Bernoulli, p itself otherwise).
    package func sizeLabel(batchSize p: Int) -> String { format(estimatorSize(batchSize: p)) }

    /// The estimator's size at batch size p (from the levels; p itself when no level has it).
    public func estimatorSize(batchSize p: Int) -> Double { levels.first { $0.batchSize == p }?.size ?? Double(p) }
}
