import Foundation

/// The opening lines of a variance sweep's table: how many closed-form laws the data confirm,
/// what the zero-bias test found on declared-unbiased and declared-biased rows, and which theory
/// fits confirm slope 1 — each a count of verdicts, never a verdict of its own.
enum VarianceSweepSummary {
    static func lines(rows: [VarianceSweepRow], fits: [VarianceSweepFit]) -> [String] {
        guard !rows.isEmpty else { return [] }
        func label(_ r: VarianceSweepRow) -> String { "\(r.estimator) \(r.sizeName.prefix { $0 != " " }) = \(format(r.size))" }
        func count(_ verdict: Verdict) -> [VarianceSweepRow] { rows.filter { $0.varianceVerdict.verdict == verdict } }
        var out: [String] = []
        let laws = rows.filter { $0.varianceVerdict.verdict != .notAssessed }
        var law = "variance laws: \(count(.consistent).count) of \(laws.count) closed forms confirmed (ratio's 95% CI inside 1 ± \(format(VarianceLawTest.tolerance)))"
        let inconclusive = count(.inconclusive), inconsistent = count(.inconsistent)
        if !inconclusive.isEmpty { law += ", \(inconclusive.count) inconclusive" }
        if !inconsistent.isEmpty { law += ", \(inconsistent.count) inconsistent (\(inconsistent.prefix(4).map(label).joined(separator: ", "))\(inconsistent.count > 4 ? ", …" : ""))" }
        let without = rows.count - laws.count
        if without > 0 { law += "; \(without) rows have no closed form" }
        out.append(law)

        let unbiased = rows.filter(\.declaredUnbiased), biased = rows.filter { !$0.declaredUnbiased }
        var bias = "bias: "
        if !unbiased.isEmpty {
            let detected = unbiased.filter { $0.biasVerdict == .detected }
            let unsure = unbiased.filter { $0.biasVerdict == .inconclusive }.count
            bias += detected.isEmpty ? "none detected in \(unbiased.count) declared-unbiased rows"
                : "detected in \(detected.count) of \(unbiased.count) declared-unbiased rows (\(detected.prefix(4).map(label).joined(separator: ", ")))"
            if unsure > 0 { bias += ", \(unsure) inconclusive" }
        }
        if !biased.isEmpty {
            let detected = biased.filter { $0.biasVerdict == .detected }.count
            bias += "\(unbiased.isEmpty ? "" : "; ")detected in \(detected) of \(biased.count) declared-biased rows"
        }
        out.append(bias)

        let theoryFits = fits.filter { $0.kind == .theory }
        if !theoryFits.isEmpty {
            var parts: [String] = []
            for verdict in [Verdict.consistent, .inconclusive, .inconsistent] {
                let several = Set(theoryFits.map(\.system)).count > 1
                let names = theoryFits.filter { $0.verdict.verdict == verdict }.map { several ? "\($0.system) \($0.estimator)" : $0.estimator }
                if !names.isEmpty { parts.append("\(verdict == .consistent ? "confirmed" : verdict.rawValue) for \(names.joined(separator: ", "))") }
            }
            out.append("variance ∝ closed form (slope 1 ± \(format(VarianceSweepStudy.slopeTolerance))): \(parts.joined(separator: "; "))")
        }
        return out
    }
}
