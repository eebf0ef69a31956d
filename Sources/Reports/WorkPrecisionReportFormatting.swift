import Foundation
import Studies

extension WorkPrecisionReport {
    /// Pretty-printed JSON with sorted keys (non-finite numbers as "inf", "-inf", "nan").
    public func json() throws -> Data { try reportJSON(self, nonFiniteAsStrings: true) }

    static let csvHeader = "estimator,size,sizeName,random,target,error,errorSE,draws,errorLow,errorHigh,errorReliable,spectralError,spectralErrorSE,cost,flops,seconds,pareto,paretoSeconds,front"

    public func rowsCSV() -> String {
        csvTable(header: Self.csvHeader, rows) { r in
            [r.estimator, csvNumber(r.size), r.sizeName.replacingOccurrences(of: ",", with: ";"), String(r.random), r.target,
             csvNumber(r.error.value), csvNumber(r.error.standardError), String(r.error.count),
             csvNumber(r.errorCI95[0]), csvNumber(r.errorCI95[1]), String(r.errorReliable),
             csvNumber(r.spectralError.value), csvNumber(r.spectralError.standardError),
             csvNumber(r.cost), csvNumber(r.flops), csvNumber(r.seconds), String(r.pareto), String(r.paretoSeconds), r.front.rawValue]
        }
    }

    public func trajectoriesCSV() -> String {
        csvTable(header: "estimator,size,dt,steps,trajectories,error,errorSE,errorLow,errorHigh,cost,seconds,pareto", trajectoryRows) { r in
            [r.estimator, csvNumber(r.size), csvNumber(r.dt), String(r.steps), String(r.trajectories),
             csvNumber(r.error.value), csvNumber(r.error.standardError), csvNumber(r.errorCI95[0]), csvNumber(r.errorCI95[1]),
             csvNumber(r.cost), csvNumber(r.seconds),
             String(r.pareto)]
        }
    }

    public func table() -> String {
        var out: [String] = summary
        if !summary.isEmpty { out.append("") }
        out.append("work-precision: N = \(tokens), d = \(dimension), \(configuration.attention.normalization.rawValue), β = \(format(configuration.attention.beta)), seed \(configuration.seed)")
        out.append("error = relative Frobenius error ± 1 SE (draws); cost = pair interactions per token; * = Pareto front (flops vs error, per target), ~ = off it by the point estimates but within noise (1.96·√(SE₁² + SE₂²))")
        out.append(columns(["estimator", "size", "error", "spectral", "cost", "flops", "seconds", ""]))
        for r in rows {
            let name = r.target == "attention" ? r.estimator : "\(r.estimator) [\(r.target)]"
            out.append(columns([name, format(r.size), pm(r.error) + (r.errorReliable ? "" : " !"), format(r.spectralError.value), format(r.cost),
                                format(r.flops), format(r.seconds), r.front == .front ? "*" : r.front == .withinNoise ? "~" : ""]))
        }
        if rows.contains(where: { !$0.errorReliable }) {
            out.append("! = SE above \(Int(100 * WorkPrecisionRow.maximumRelativeStandardError))% of the error: too few draws for these tails; the ± SE is not trustworthy (raise --draws)")
        }
        if !trajectoryRows.isEmpty {
            out.append("")
            out.append("inside the dynamics: \(configuration.steps) Euler steps of dt = \(format(configuration.timeStep)); error = RMS token error at T = \(format(configuration.horizon)) against exact attention (± 1 SE over \(configuration.trajectories) trajectories); cost = pair interactions per token over the trajectory")
            out.append(columns(["estimator", "size", "error", "", "cost", "", "seconds", ""]))
            for r in trajectoryRows {
                out.append(columns([r.estimator, format(r.size), pm(r.error), "", format(r.cost), "", format(r.seconds), r.pareto ? "*" : ""]))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// Fixed-width table columns (estimator left-aligned, numbers right-aligned).
private func columns(_ cells: [String]) -> String {
    let widths = [40, 6, 22, 10, 10, 10, 10, 2]
    return cells.enumerated().map { k, cell in
        let padding = String(repeating: " ", count: max(0, widths[k] - cell.count))
        return k == 0 || k == 2 ? cell + padding : padding + cell
    }.joined(separator: " ")
}
