import Foundation
import NumericsCore
import Studies

extension VarianceSweepReport {
    /// Where the estimates of `system` were measured (N and d of that system, the sweep's seed).
    func tidyContext(system: String) -> TidyContext {
        let shape = system == "attention" ? try? configuration.resolvedAttention.resolvedShape() : nil
        return TidyContext(system: system, particles: shape?.tokens ?? configuration.particles,
                           dimension: shape?.dimension ?? configuration.dimension(system: system), seed: configuration.seed)
    }

    /// Every table of the report, in the order `--format csv` prints them: `rows`, `fits`.
    public func tidyTables() -> [TidyTable] { [rowsTable(), fitsTable()] }

    /// `rows`: per (system, estimator, size) the per-particle variance (kind `variance`, with the
    /// closed form, the ratio and its 95% interval, the kurtosis and the variance-law verdict),
    /// the mean squared error (`mean-squared-error`) and the bias (`bias`, with the zero-bias
    /// test's p-value and verdict). `cost` is the expected pair interactions per particle.
    public func rowsTable() -> TidyTable {
        var table = TidyTable(name: "rows", extraColumns: [
            "cost", "draws", "configurations", "theory", "ratio", "ratioLow", "ratioHigh", "kurtosis", "pValue", "declaredUnbiased", "verdict"])
        for r in rows {
            let context = tidyContext(system: r.system)
            let common = ["cost": csvNumber(r.cost), "draws": String(r.draws), "configurations": String(r.configurations)]
            func add(_ kind: String, _ estimate: Estimate, _ extra: [String: String]) {
                table.append(context.row(estimator: r.estimator, sizeName: sizeSymbol(of: r.sizeName), size: r.size, kind: kind,
                                         estimate: estimate, extra: common.merging(extra) { a, _ in a }))
            }
            add("variance", r.variance, [
                "theory": tidyNumber(r.theoryVariance), "ratio": tidyNumber(r.ratio), "ratioLow": tidyNumber(r.ratioCI95?[0]),
                "ratioHigh": tidyNumber(r.ratioCI95?[1]), "kurtosis": csvNumber(r.kurtosis), "verdict": r.varianceVerdict.verdict.rawValue])
            add("mean-squared-error", r.meanSquaredError, [:])
            add("bias", r.bias, ["pValue": csvNumber(r.biasPValue), "declaredUnbiased": String(r.declaredUnbiased),
                                 "verdict": r.biasVerdict.rawValue])
        }
        return table
    }

    /// `fits`: per (system, estimator) the slope and intercept of log variance against log x
    /// (`regressor` theory or cost) with their 95% intervals (no SE column: the intervals use
    /// Student's t when the Birge ratio widened them), over `count` points.
    public func fitsTable() -> TidyTable {
        var table = TidyTable(name: "fits", extraColumns: [
            "regressor", "ci95Low", "ci95High", "theory", "chiSquared", "lackOfFitP", "scaleFactor", "verdict"])
        for f in fits {
            let context = tidyContext(system: f.system)
            let sizeName = rows.first { $0.system == f.system && $0.estimator == f.estimator }.map { sizeSymbol(of: $0.sizeName) } ?? ""
            let common = ["regressor": f.kind.rawValue, "chiSquared": csvNumber(f.chiSquared), "lackOfFitP": tidyNumber(f.lackOfFitP),
                          "scaleFactor": csvNumber(f.scaleFactor)]
            table.append(context.row(estimator: f.estimator, sizeName: sizeName, size: nil, kind: "slope",
                                     estimate: Estimate(value: f.slope, standardError: .nan, count: f.points),
                                     extra: common.merging(["ci95Low": csvNumber(f.slopeCI95[0]), "ci95High": csvNumber(f.slopeCI95[1]),
                                                            "theory": tidyNumber(f.expectedSlope), "verdict": f.verdict.verdict.rawValue]) { a, _ in a }))
            table.append(context.row(estimator: f.estimator, sizeName: sizeName, size: nil, kind: "intercept",
                                     estimate: Estimate(value: f.intercept, standardError: .nan, count: f.points),
                                     extra: common.merging(["ci95Low": csvNumber(f.interceptCI95[0]), "ci95High": csvNumber(f.interceptCI95[1]),
                                                            "theory": f.kind == .theory ? "0" : ""]) { a, _ in a }))
        }
        return table
    }
}
