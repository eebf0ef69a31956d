import Foundation
import Studies

extension WorkPrecisionReport {
    /// Pretty-printed JSON with sorted keys (non-finite numbers as "inf", "-inf", "nan").
    public func json() throws -> Data { try reportJSON(self, nonFiniteAsStrings: true) }

    /// The size name of `estimator` (from its error rows; "size" when it has none).
    func sizeName(estimator: String) -> String { rows.first { $0.estimator == estimator }?.sizeName ?? "size" }

    public func table() -> String {
        var out: [String] = summary
        if !summary.isEmpty { out.append("") }
        out.append("work-precision: N = \(tokens), d = \(dimension), \(configuration.attention.normalization.rawValue), β = \(format(configuration.attention.beta)), seed \(configuration.seed)")
        out.append("error = relative Frobenius error ± 1 SE (draws); cost = pair interactions per token; * = Pareto front (flops vs error, per target), ~ = off it by the point estimates but within noise (1.96·√(SE₁² + SE₂²))")
        out.append(columns(["estimator", "size", "error", "spectral", "cost", "flops", "seconds", ""]))
        for r in rows {
            let name = r.target == "attention" ? r.estimator : "\(r.estimator) [\(r.target)]"
            out.append(columns([name, "\(sizeSymbol(of: r.sizeName)) = \(format(r.size))", pm(r.error) + (r.errorReliable ? "" : " !"), format(r.spectralError.value), format(r.cost),
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
                out.append(columns([r.estimator, "\(sizeSymbol(of: sizeName(estimator: r.estimator))) = \(format(r.size))", pm(r.error), "", format(r.cost), "", format(r.seconds), r.pareto ? "*" : ""]))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

/// Fixed-width table columns (estimator left-aligned, numbers right-aligned).
private func columns(_ cells: [String]) -> String {
    let widths = [40, 12, 22, 10, 10, 10, 10, 2]
    return cells.enumerated().map { k, cell in
        let padding = String(repeating: " ", count: max(0, widths[k] - cell.count))
        return k == 0 || k == 2 ? cell + padding : padding + cell
    }.joined(separator: " ")
}
