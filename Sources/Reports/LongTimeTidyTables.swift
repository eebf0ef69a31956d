import Foundation
import NumericsCore
import Studies

extension LongTimeReport {
    /// Where this run's estimates were measured (system, N, d, seed).
    var tidyContext: TidyContext { configuration.tidyContext }

    /// The scheme's estimator name (RBM without replacement, batch size p).
    static let batchEstimator = "random-batch"

    /// Every table of the report, in the order `--format csv` prints them: `rows`, `fits`.
    public func tidyTables() -> [TidyTable] { [rowsTable(), fitsTable()] }

    /// `rows`: per (p, τ), over the R independent trajectories, the mean time average of
    /// f = (1/N)Σ‖Xᵢ‖² (kind `time-average`; `exact` its exact expected value, the interval's
    /// target, with `zScore` and `covered`), the sampling error time average − m∞ (kind
    /// `sampling-error`; `exact` the scheme's exact error at t = ∞, stationary − m∞) and the
    /// law's error at B + L through f (kind `final-law-error`; `exact` its exact value).
    /// `stationary` is the scheme's exact stationary E f (empty when unstable), `invariant` m∞.
    public func rowsTable() -> TidyTable {
        let context = tidyContext
        var table = TidyTable(name: "rows", gridColumns: ["tau"], extraColumns: [
            "exact", "zScore", "covered", "stationary", "burnInResidual", "invariant"])
        for r in rows {
            let common = ["stationary": tidyNumber(r.stationary), "burnInResidual": tidyNumber(r.burnInResidual),
                          "invariant": csvNumber(invariantSecondMoment)]
            func add(_ kind: String, _ estimate: Estimate, _ extra: [String: String]) {
                table.append(context.row(estimator: Self.batchEstimator, sizeName: "p", size: Double(r.batchSize),
                                         grid: ["tau": csvNumber(r.dt)], kind: kind, estimate: estimate,
                                         extra: common.merging(extra) { a, _ in a }))
            }
            add("time-average", r.timeAverage, ["exact": csvNumber(r.expectedTimeAverage), "zScore": csvNumber(r.zScore),
                                                "covered": String(r.covered)])
            add("sampling-error", r.samplingError, ["exact": tidyNumber(r.exactSamplingError)])
            add("final-law-error", r.finalLawError, ["exact": csvNumber(r.exactFinalLawError)])
        }
        return table
    }

    /// `fits`: per p the fitted order of the sampling error in τ (kind `sampling-error-order`,
    /// `count` the trajectories) with its 95% interval, the theory's order and source and how it
    /// reads against them; a p without a fit has no value.
    public func fitsTable() -> TidyTable {
        let context = tidyContext
        var table = TidyTable(name: "fits", extraColumns: ["ci95Low", "ci95High", "theory", "theorySource", "lackOfFitP", "reading"])
        for o in orders {
            var extra = ["theory": csvNumber(o.theoryOrder), "theorySource": o.theorySource, "reading": o.reading]
            if let fit = o.fit {
                if fit.ci95.count == 2 { extra["ci95Low"] = csvNumber(fit.ci95[0]); extra["ci95High"] = csvNumber(fit.ci95[1]) }
                extra["lackOfFitP"] = tidyNumber(fit.lackOfFitP)
            }
            table.append(context.row(estimator: Self.batchEstimator, sizeName: "p", size: Double(o.batchSize), kind: "sampling-error-order",
                                     estimate: o.fit.map { Estimate(value: $0.order, standardError: $0.standardError, count: configuration.trajectories) },
                                     extra: extra))
        }
        return table
    }
}

extension LongTimeConfiguration: TidyDescribed {
    public var tidyContext: TidyContext {
        TidyContext(system: "linear", particles: particles, dimension: dimension, seed: seed)
    }
}
