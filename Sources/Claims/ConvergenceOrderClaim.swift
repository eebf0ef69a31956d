import Foundation
import NumericsCore
import Studies

/// "The <kind> error of the study decreases like τ^q, q within ±δ": the equivalence rule of
/// `OrderVerdictRule` on the fitted order (its 95% interval, or on a grid where one
/// power law does not fit, the finest local order's interval, inside q ± δ). Because "holds"
/// needs the interval inside the band, an underpowered run is inconclusive, never "holds".
///
/// Error rate: a false "holds" or "rejected" at most 2.5% each when the interval covers at 95%,
/// which `rbm-study convergence --calibrate R` measures (batch order 94.2%, time 100%, weak 94.2%
/// on the default smooth problem over 40 seeds).
public struct ConvergenceOrderClaim: Claim {
    public var id: String
    public var statement: String
    public var reference: String
    public var subject: ConvergenceSubject
    public var kind: ConvergenceFitKind
    /// The batch size whose fit is checked (nil: the first; ignored for the time order).
    public var batchSize: Int?
    public var order: Double
    public var tolerance: Double

    public init(id: String = "order", statement: String? = nil, reference: String = "—", subject: ConvergenceSubject,
                kind: ConvergenceFitKind, batchSize: Int? = nil, order: Double, tolerance: Double = 0.1) {
        self.id = id
        self.statement = statement ?? "the \(kind.rawValue) error has order \(order) ± \(tolerance) in τ"
        self.reference = reference
        self.subject = subject
        self.kind = kind
        self.batchSize = batchSize
        self.order = order
        self.tolerance = tolerance
    }

    public var configuration: String { subject.description }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let report = try subject.with(seed: seed, threads: threads).run()
        return outcome(report, seed: seed, seconds: elapsed(since: start))
    }

    /// Decides on an existing report (no study is run).
    public func outcome(_ report: ConvergenceReport, seed: UInt64, seconds: Double = 0) -> ClaimOutcome {
        let fit = report.fits.first { $0.kind == kind && (kind == .time || batchSize == nil || $0.batchSize == batchSize) }
        var evidence = ClaimEvidence(columns: ["τ", "p", "\(kind.rawValue) error ± SE", "local order"])
        guard let fit else {
            return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration, verdict: .inconclusive,
                                rule: "no \(kind.rawValue) order was fitted for batch size \(batchSize.map(String.init) ?? "any") (see the study's notes: \(report.notes.joined(separator: "; ")))",
                                errorRate: OrderVerdictRule.errorRate, expected: order, measured: nil, evidence: evidence, seed: seed, seconds: seconds)
        }
        let levels = report.levels.filter { kind == .time ? $0.batchSize == report.configuration.batchSizes[0] : $0.batchSize == fit.batchSize }
            .sorted { $0.dt > $1.dt }
        for (k, level) in levels.enumerated() {
            let error: Estimate
            switch kind {
            case .batch: error = level.batchError
            case .strong: error = level.strongError
            case .weak: error = level.weakError
            case .time: error = level.timeError
            }
            let local = k > 0 && k - 1 < fit.localOrders.count ? fit.localOrders[k - 1].map(short) ?? "—" : ""
            evidence.rows.append([short(level.dt), kind == .time ? "—" : "\(level.batchSize)", pm(error), local])
        }
        let record = OrderVerdictRule.verdict(for: fit, theory: order, tolerance: tolerance)
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration,
                            verdict: ClaimVerdict(record.verdict),
                            rule: "fitted order \(short(fit.order)), 95% CI \(bracket(fit.ci95)); \(record.rule)" + (record.verdict == .preAsymptotic ? " (pre-asymptotic: finer steps would decide)" : ""),
                            errorRate: record.errorRate, expected: order,
                            measured: Estimate(value: fit.order, standardError: fit.standardError, count: report.configuration.trajectories),
                            evidence: evidence, samplesNeeded: record.trajectoriesToDecide, samplesUnit: "trajectories",
                            seed: seed, seconds: seconds)
    }
}
