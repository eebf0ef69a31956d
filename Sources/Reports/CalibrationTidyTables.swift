import Foundation
import NumericsCore
import Studies

extension CalibrationReport {
    /// Every table of the calibration, in the order `--format csv` prints them: `calibration`
    /// (the coverage of every printed 95% interval: kind `coverage`, value the fraction of seeds
    /// whose interval held the target, count the seeds, with its Wilson 95% interval; no SE) and
    /// `test-sizes` (the rejection rate of every exact-null test: kind `rejection-rate`, count the
    /// trials). `context` gives the system, N, d and first seed of the study calibrated.
    public func tidyTables(context: TidyContext) -> [TidyTable] {
        var coverageTable = TidyTable(name: "calibration", extraColumns: [
            "label", "pooled", "ci95Low", "ci95High", "target", "targetIsExact", "meanEstimate", "spreadAcrossSeeds",
            "meanReportedStandardError", "assessment"])
        for c in coverage {
            coverageTable.append(context.row(estimator: "", sizeName: "", size: nil, kind: "coverage",
                                             estimate: Estimate(value: c.coverage, standardError: .nan, count: c.seeds), extra: [
                "label": c.label, "pooled": String(c.pooled), "ci95Low": csvNumber(c.coverageCI95[0]), "ci95High": csvNumber(c.coverageCI95[1]),
                "target": csvNumber(c.target), "targetIsExact": String(c.targetIsExact), "meanEstimate": csvNumber(c.meanEstimate),
                "spreadAcrossSeeds": csvNumber(c.spreadAcrossSeeds), "meanReportedStandardError": csvNumber(c.meanReportedStandardError),
                "assessment": c.assessment]))
        }
        var sizeTable = TidyTable(name: "test-sizes", extraColumns: ["label", "pooled", "rejections", "ci95Low", "ci95High", "level", "assessment"])
        for t in sizes {
            sizeTable.append(context.row(estimator: "", sizeName: "", size: nil, kind: "rejection-rate",
                                         estimate: Estimate(value: t.rate, standardError: .nan, count: t.trials), extra: [
                "label": t.label, "pooled": String(t.pooled), "rejections": String(t.rejections), "ci95Low": csvNumber(t.rateCI95[0]),
                "ci95High": csvNumber(t.rateCI95[1]), "level": csvNumber(t.level), "assessment": t.assessment]))
        }
        return [coverageTable, sizeTable]
    }
}
