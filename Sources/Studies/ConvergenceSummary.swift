import Foundation

/// The short summary a convergence table opens with: one line per claim the run answers, each
/// naming the verdict and the batch sizes it holds for, so a reader sees the answer in seconds.
extension ConvergenceReport {
    /// A copy with `summary` filled from the fits, ratios and floors.
    func withSummary() -> ConvergenceReport {
        var copy = self
        copy.summary = summaryLines()
        return copy
    }

    func summaryLines() -> [String] {
        var lines: [String] = []
        let orderNames: [ConvergenceFitKind: String] = [.batch: "batch", .strong: "strong", .weak: "weak", .time: "time"]
        if let semicircle {
            lines += semicircle.summaryLines()
            lines.append("orders of the batch, strong, weak and time errors: measured, not assessed (no theorem covers the singular kernel; see the fits)")
            if !warnings.isEmpty { lines.append("\(warnings.count) warning(s) on stderr: these results may not describe the intended dynamics") }
            return lines
        }
        for kind in [ConvergenceFitKind.batch, .strong, .weak, .time] {
            let group = fits.filter { $0.kind == kind }
            guard let first = group.first else { continue }
            let theory = first.theoryOrder.map { " \(format($0))" } ?? ""
            let subject = kind == .time ? "time order\(theory) (full EM vs reference)" : "\(orderNames[kind]!) order\(theory)"
            var parts: [String] = []
            for verdict in Verdict.allCases {
                let members = group.filter { $0.verdict.verdict == verdict }
                guard !members.isEmpty else { continue }
                let sizes = kind == .time ? "" : " for \(sizeSymbol) = " + members.map { sizeLabel(batchSize: $0.batchSize) }.joined(separator: ", ")
                parts.append("\(verdict.rawValue)\(sizes)")
            }
            lines.append("\(subject): " + parts.joined(separator: "; "))
            if kind == .strong, let shape = strongShape {
                lines.append("strong error vs the theorem's shape A·g(p)·τ + B·τ² (all p jointly): \(shape.verdict.verdict.rawValue) (\(shape.lackOfFitP.map { "lack of fit p = \(format($0, digits: 2))" } ?? "no lack-of-fit test"))")
            }
        }
        if !batchSizeRatios.isEmpty {
            var parts: [String] = []
            for verdict in Verdict.allCases {
                let members = batchSizeRatios.filter { $0.verdict.verdict == verdict }
                guard !members.isEmpty else { continue }
                parts.append("\(verdict.rawValue) for " + members.map { "\($0.batchSizes[0]):\($0.batchSizes[1])" }.joined(separator: ", "))
            }
            lines.append("batch-error ratios vs √(g(p₁)/g(p₂)): " + parts.joined(separator: "; "))
        }
        let detected = floors.filter(\.detected)
        if !detected.isEmpty {
            var line = "batch-error floor (biased estimator) for \(sizeSymbol) = " + detected.map { sizeLabel(batchSize: $0.batchSize) }.joined(separator: ", ")
            if let s = floorScaling { line += "; floor ∝ p^\(format(s.exponent)) \(interval(s.ci95)), against p^−1: \(s.verdict.verdict.rawValue)" }
            lines.append(line)
        }
        if !warnings.isEmpty { lines.append("\(warnings.count) warning(s) on stderr: these results may not describe the intended dynamics") }
        return lines
    }
}
