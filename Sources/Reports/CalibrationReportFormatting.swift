import Foundation
import Studies

extension CalibrationReport {
    /// The coverage table and the test-size table for the terminal.
    public func table() -> String {
        var out: [String] = []
        out.append("rbm-study \(study) --calibrate \(seeds.count): every printed 95% interval and every exact-null test over \(seeds.count) seeds (\(seeds.first ?? 0) … \(seeds.last ?? 0))")
        out.append("coverage target: the exact value where one is known, else the mean of the other seeds (interval widened by √(R/(R−1)) for its noise); an interval holds when its coverage is 95% ± 3% (judged by the Wilson interval; binomial SD of a coverage at this R: \(format((0.95 * 0.05 / Double(max(1, seeds.count))).squareRoot())))")
        if !coverage.isEmpty {
            out.append("")
            out.append("(each label's coverage at 95%: with many labels a few dip below by chance; the pooled rows are the test)")
            let widths = [56, 10, 18, 8, 12, 12, 12, 14, 30]
            out.append(row(["interval", "coverage", "Wilson 95% CI", "target", "mean est.", "SD seeds", "mean SE", "assessment", "verdicts"],
                           widths: widths))
            for c in coverage {
                let verdicts = c.verdicts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                out.append(row([c.label, format(c.coverage), interval(c.coverageCI95), c.targetIsExact ? "exact" : "mean",
                                format(c.meanEstimate), format(c.spreadAcrossSeeds), format(c.meanReportedStandardError),
                                c.assessment, verdicts], widths: widths))
            }
            if coverage.contains(where: { $0.assessment == "undercovers" }) {
                out.append("undercovering intervals are too narrow on this configuration: read them as ±1 SE, or raise the draws/trajectories")
            }
        }
        if !sizes.isEmpty {
            out.append("")
            out.append("size of tests whose null hypothesis holds exactly (rejection rate; a valid test stays at or below its level)")
            out.append("(families of several rows are shown pooled, with any row that rejected; every row is in the JSON and test-sizes.csv)")
            let widths = [56, 8, 12, 10, 18, 8, 14]
            out.append(row(["test", "trials", "rejections", "rate", "Wilson 95% CI", "level", "assessment"], widths: widths))
            let pooledFamilies = Set(sizes.filter(\.pooled).map { IntervalCalibration.family(of: $0.label) })
            for t in sizes where t.pooled || t.rejections > 0 || !pooledFamilies.contains(IntervalCalibration.family(of: t.label)) {
                out.append(row([t.label, String(t.trials), String(t.rejections), format(t.rate), interval(t.rateCI95), format(t.level),
                                t.assessment], widths: widths))
            }
        }
        out.append("")
        out.append("\(format(secondsPerSeed)) s per seed; wall time \(format(manifest.wallSeconds)) s")
        return out.joined(separator: "\n") + "\n"
    }

    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }

    public func coverageCSV() -> String {
        csvTable(header: "label,seeds,target,targetIsExact,coverage,coverageLow,coverageHigh,meanEstimate,spreadAcrossSeeds,meanReportedStandardError,assessment",
                 coverage) { c in
            ["\"\(c.label)\"", String(c.seeds), csv(c.target), String(c.targetIsExact), csv(c.coverage), csv(c.coverageCI95[0]),
             csv(c.coverageCI95[1]), csv(c.meanEstimate), csv(c.spreadAcrossSeeds), csv(c.meanReportedStandardError), c.assessment]
        }
    }

    public func sizesCSV() -> String {
        csvTable(header: "label,trials,rejections,rate,rateLow,rateHigh,level,assessment", sizes) { t in
            ["\"\(t.label)\"", String(t.trials), String(t.rejections), csv(t.rate), csv(t.rateCI95[0]), csv(t.rateCI95[1]),
             csv(t.level), t.assessment]
        }
    }
}
