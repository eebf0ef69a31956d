import Foundation
import NumericsCore
import Studies

extension DistributionalReport {
    /// Where this run's estimates were measured (system, N, d, seed).
    var tidyContext: TidyContext { configuration.tidyContext }

    /// The approximate scheme's estimator name (RBM with replacement, batch size p).
    static let replacementEstimator = "random-batch-replacement"
    /// The estimator of rows about the exact system alone (its finite-sample W₂ floor).
    static let exactEstimator = "exact"

    /// Every table of the report, in the order `--format csv` prints them: `weak`, `distances`, `fits`.
    public func tidyTables() -> [TidyTable] { [weakTable(), distancesTable(), fitsTable()] }

    /// `weak`: one row per (observable, τ): the weak error b(τ) = E f(RBM-r) − E f(exact) ± SE
    /// over the trajectories (kind `weak`). Columns: `observable`, the pseudo-step `kappa`,
    /// `against` (closed form or reference), `exact` (the exact expected RBM-r error on linear)
    /// and `zScore` = (b − exact)/SE.
    public func weakTable() -> TidyTable {
        let context = tidyContext
        var table = TidyTable(name: "weak", gridColumns: ["tau"], extraColumns: ["observable", "kappa", "against", "exact", "zScore"])
        for w in weak {
            table.append(context.row(estimator: Self.replacementEstimator, sizeName: "p", size: Double(configuration.batchSize),
                                     grid: ["tau": csvNumber(w.dt)], kind: "weak", estimate: w.error, extra: [
                                        "observable": w.observable.rawValue, "kappa": csvNumber(w.kappa), "against": w.against,
                                        "exact": tidyNumber(w.exactError), "zScore": tidyNumber(w.zScore)]))
        }
        return table
    }

    /// `distances`: per τ, the mean over groups ± SE of W₂²(RBM-r, exact) (kind
    /// `w2-squared`), of RBM-r's own floor W₂²(RBM-r′, RBM-r) (`w2-squared-replacement-floor`),
    /// of the floor-corrected W₂² (`w2-squared-corrected`) and its root W₂ when it exceeds 2 SE
    /// (`w2`), with the Gelbrich lower bound on linear (`gelbrichLowerBound`); and once the exact
    /// law's floor W₂²(exact′, exact) (estimator `exact`, kind `w2-squared-floor`). Sliced W₂
    /// when d > 1 (`directions` projections); `count` is the number of groups.
    public func distancesTable() -> TidyTable {
        let context = tidyContext
        var table = TidyTable(name: "distances", gridColumns: ["tau"], extraColumns: ["kappa", "directions", "gelbrichLowerBound"])
        let p = Double(configuration.batchSize)
        let directions = String(self.directions)
        for r in distances {
            let grid = ["tau": csvNumber(r.dt)]
            func add(_ kind: String, _ estimate: Estimate, gelbrich: Bool = false) {
                var extra = ["kappa": csvNumber(r.kappa), "directions": directions]
                if gelbrich { extra["gelbrichLowerBound"] = tidyNumber(r.gelbrichLowerBound) }
                table.append(context.row(estimator: Self.replacementEstimator, sizeName: "p", size: p, grid: grid, kind: kind,
                                         estimate: estimate, extra: extra))
            }
            add("w2-squared", r.raw)
            add("w2-squared-replacement-floor", r.replacementFloor)
            add("w2-squared-corrected", r.corrected)
            if let distance = r.distance { add("w2", distance, gelbrich: true) }
        }
        if let floor = distances.first?.floor {  // the exact law's floor does not depend on τ
            table.append(context.row(estimator: Self.exactEstimator, sizeName: "", size: nil, kind: "w2-squared-floor", estimate: floor,
                                     extra: ["directions": directions]))
        }
        return table
    }

    /// `fits`: the fitted orders (kind `weak-order` per observable, `w2-order` for the W₂ or
    /// sliced W₂ distance; `count` the trajectories or the groups), with the 95% interval, the
    /// theory's order and source, the order the same fit gives on the exact values
    /// (`exactOrder`, linear only) and how the measured order reads against the theory. A
    /// quantity without a fit has no value.
    public func fitsTable() -> TidyTable {
        let context = tidyContext
        var table = TidyTable(name: "fits", extraColumns: [
            "quantity", "observable", "ci95Low", "ci95High", "theory", "theorySource", "exactOrder", "lackOfFitP", "reading"])
        for o in orders {
            let observable = DistributionalObservable.allCases.first { o.quantity == "weak error of \($0.rawValue)" }
            let count = observable == nil ? configuration.groups : configuration.trajectories
            var extra = ["quantity": o.quantity, "observable": observable?.rawValue ?? "", "theory": csvNumber(o.theoryOrder),
                         "theorySource": o.theorySource, "exactOrder": tidyNumber(o.exactOrder), "reading": o.reading]
            if let fit = o.fit {
                if fit.ci95.count == 2 { extra["ci95Low"] = csvNumber(fit.ci95[0]); extra["ci95High"] = csvNumber(fit.ci95[1]) }
                extra["lackOfFitP"] = tidyNumber(fit.lackOfFitP)
            }
            table.append(context.row(estimator: Self.replacementEstimator, sizeName: "p", size: Double(configuration.batchSize),
                                     kind: observable == nil ? "w2-order" : "weak-order",
                                     estimate: o.fit.map { Estimate(value: $0.order, standardError: $0.standardError, count: count) },
                                     extra: extra))
        }
        return table
    }
}

extension DistributionalConfiguration: TidyDescribed {
    public var tidyContext: TidyContext {
        TidyContext(system: system.rawValue, particles: particles, dimension: dimension, seed: seed)
    }
}
