import Foundation
import NumericsCore
import Studies

extension WorkPrecisionReport {
    /// Where the estimates were measured: attention with N tokens in dimension d.
    var tidyContext: TidyContext {
        TidyContext(system: "attention", particles: tokens, dimension: dimension, seed: configuration.seed)
    }

    /// Every table of the report, in the order `--format csv` prints them: `rows`, then
    /// `trajectories` when the trajectory part ran.
    public func tidyTables() -> [TidyTable] { [rowsTable()] + (trajectoryRows.isEmpty ? [] : [trajectoriesTable()]) }

    /// `rows`: per (estimator, size) the relative Frobenius error (kind `error`, with its 95%
    /// interval and whether its SE is reliable) and the relative spectral error
    /// (`spectral-error`) against the estimator's exact `target`; the counted cost (pair
    /// interactions per token, flops), the measured median `seconds` of one call and the Pareto
    /// flags are in both rows.
    public func rowsTable() -> TidyTable {
        let context = tidyContext
        var table = TidyTable(name: "rows", extraColumns: [
            "target", "random", "ci95Low", "ci95High", "reliable", "cost", "flops", "seconds", "pareto", "paretoSeconds", "front"])
        for r in rows {
            let common = ["target": r.target, "random": String(r.random), "cost": csvNumber(r.cost), "flops": csvNumber(r.flops),
                          "seconds": csvNumber(r.seconds), "pareto": String(r.pareto), "paretoSeconds": String(r.paretoSeconds),
                          "front": r.front.rawValue]
            let symbol = sizeSymbol(of: r.sizeName)
            table.append(context.row(estimator: r.estimator, sizeName: symbol, size: r.size, kind: "error", estimate: r.error,
                                     extra: common.merging(["ci95Low": csvNumber(r.errorCI95[0]), "ci95High": csvNumber(r.errorCI95[1]),
                                                            "reliable": String(r.errorReliable)]) { a, _ in a }))
            table.append(context.row(estimator: r.estimator, sizeName: symbol, size: r.size, kind: "spectral-error",
                                     estimate: r.spectralError, extra: common))
        }
        return table
    }

    /// `trajectories`: per (estimator, size) the RMS token error at T after `steps` Euler steps of
    /// `tau` (kind `trajectory-error`, 95% interval), its cost and median seconds per trajectory.
    public func trajectoriesTable() -> TidyTable {
        let context = tidyContext
        var table = TidyTable(name: "trajectories", gridColumns: ["tau"],
                              extraColumns: ["steps", "ci95Low", "ci95High", "cost", "seconds", "pareto"])
        for r in trajectoryRows {
            table.append(context.row(estimator: r.estimator, sizeName: sizeSymbol(of: sizeName(estimator: r.estimator)), size: r.size,
                                     grid: ["tau": csvNumber(r.dt)], kind: "trajectory-error", estimate: r.error,
                                     extra: ["steps": String(r.steps), "ci95Low": csvNumber(r.errorCI95[0]), "ci95High": csvNumber(r.errorCI95[1]),
                                             "cost": csvNumber(r.cost), "seconds": csvNumber(r.seconds), "pareto": String(r.pareto)]))
        }
        return table
    }
}
