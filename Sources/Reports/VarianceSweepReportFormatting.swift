import Foundation
import Studies

extension VarianceSweepReport {
    /// Pretty-printed JSON with sorted keys.
    public func json() throws -> Data { try reportJSON(self) }

    static let csvHeader = "system,estimator,size,cost,draws,configurations,variance,varianceSE,theoryVariance,ratio,ratioLow,ratioHigh,meanSquaredError,meanSquaredErrorSE,bias,biasSE,biasPValue,biasVerdict,declaredUnbiased,kurtosis,varianceVerdict,verdict"

    public func rowsCSV() -> String {
        let g = csvNumber
        return csvTable(header: Self.csvHeader, rows) { r in
            [r.system, r.estimator, g(r.size), g(r.cost), String(r.draws), String(r.configurations),
             g(r.variance.value), g(r.variance.standardError), r.theoryVariance.map(g) ?? "",
             r.ratio.map(g) ?? "", r.ratioCI95.map { g($0[0]) } ?? "", r.ratioCI95.map { g($0[1]) } ?? "",
             g(r.meanSquaredError.value), g(r.meanSquaredError.standardError), g(r.bias.value),
             g(r.bias.standardError), g(r.biasPValue), r.biasVerdict.rawValue, String(r.declaredUnbiased), g(r.kurtosis),
             r.varianceVerdict.verdict.rawValue, "\"\(r.verdict)\""]
        }
    }

    public func fitsCSV() -> String {
        let g = csvNumber
        return csvTable(header: "system,estimator,kind,points,slope,slopeLow,slopeHigh,intercept,interceptLow,interceptHigh,expectedSlope,chiSquared,lackOfFitP,scaleFactor,verdict",
                        fits) { f in
            [f.system, f.estimator, f.kind.rawValue, String(f.points), g(f.slope), g(f.slopeCI95[0]), g(f.slopeCI95[1]),
             g(f.intercept), g(f.interceptCI95[0]), g(f.interceptCI95[1]), f.expectedSlope.map(g) ?? "",
             g(f.chiSquared), f.lackOfFitP.map(g) ?? "", g(f.scaleFactor), f.verdict.verdict.rawValue]
        }
    }

    /// A fixed-width table for the terminal.
    public func table() -> String {
        var out = summary.map { $0 + "\n" }.joined()
        if !summary.isEmpty { out += "\n" }
        for system in configuration.systems {
            out += "variance sweep: \(system), N = \(rows.first { $0.system == system }.map { _ in (try? configuration.count(system: system)) ?? 0 } ?? 0), \(configuration.draws) draws × \(configuration.configurations) configurations (per-particle variances, ± 1 SE)\n"
            out += pad("estimator", 26) + pad("size", 9) + pad("cost", 9) + pad("variance ± SE", 24) + pad("theory", 11)
                + pad("ratio [95% CI]", 24) + pad("bias ± SE", 22) + pad("p(bias=0)", 10) + pad("bias test", 26) + "variance law\n"
            for r in rows where r.system == system {
                let ratio = r.ratio.map { "\(s($0, 3)) [\(s(r.ratioCI95![0], 3)), \(s(r.ratioCI95![1], 3))]" } ?? "—"
                out += pad(r.estimator, 26) + pad(s(r.size, 4), 9) + pad(s(r.cost, 4), 9)
                    + pad("\(s(r.variance.value, 4)) ± \(s(r.variance.standardError, 2))", 24)
                    + pad(r.theoryVariance.map { s($0, 4) } ?? "—", 11) + pad(ratio, 24)
                    + pad("\(s(r.bias.value, 3)) ± \(s(r.bias.standardError, 2))", 22) + pad(s(r.biasPValue, 2), 10) + pad(r.biasVerdict.rawValue, 26) + r.varianceVerdict.verdict.rawValue + "\n"
            }
            let fits = self.fits.filter { $0.system == system }
            if !fits.isEmpty {
                out += "fits: log variance = intercept + slope · log x (95% CI; widened by √(χ²/dof) where the law misfits)\n"
                for f in fits {
                    out += "  \(pad(f.estimator, 26)) x = \(f.kind == .theory ? "theory" : "cost  ")  slope \(s(f.slope, 4)) [\(s(f.slopeCI95[0], 4)), \(s(f.slopeCI95[1], 4))]  intercept \(s(f.intercept, 4)) [\(s(f.interceptCI95[0], 4)), \(s(f.interceptCI95[1], 4))]\(f.lackOfFitP.map { "  LoF p \(s($0, 2))" } ?? "")  \(f.verdict.verdict.rawValue)\n"
                }
            }
            out += "\n"
        }
        if !rows.isEmpty {
            out += "bias test: \(ZeroBiasTest.rule)\n"
            out += "variance law: |z| > 3.29 → inconsistent (false alarm ≤ 0.1% per row); 95% CI of the ratio inside 1 ± \(format(VarianceLawTest.tolerance)) → consistent; else inconclusive\n"
            out += "fit verdict: slope's 95% CI inside 1 ± \(format(VarianceSweepStudy.slopeTolerance)) → consistent (two one-sided tests at 2.5%)\n"
        }
        return out
    }

    fileprivate func s(_ x: Double, _ digits: Int) -> String { x.isFinite ? String(format: "%.\(digits)g", x) : "nan" }
}
