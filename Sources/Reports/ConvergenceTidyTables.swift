import Foundation
import NumericsCore
import Studies

extension ConvergenceReport {
    /// Where this run's estimates were measured (system, N, d, seed).
    var tidyContext: TidyContext {
        TidyContext(system: configuration.system.rawValue, particles: problem.particles, dimension: problem.dimension,
                    seed: configuration.seed)
    }

    /// The estimator of the time error (full Euler–Maruyama against the reference).
    static let fullSystemEstimator = "exact"

    /// Every table of the report, in the order `--format csv` prints them: `levels`, `fits`, then
    /// `floors` and `time-profiles` when the run has them.
    public func tidyTables() -> [TidyTable] {
        [levelsTable(), fitsTable()] + (floors.isEmpty ? [] : [floorsTable()]) + (timeProfiles.isEmpty ? [] : [timeProfilesTable()])
            + (semicircle.map { [semicircleTable($0)] } ?? [])
    }

    /// `semicircle` (dyson only): one row per run (estimator `reference`, `exact` or
    /// `random-batch` with size p), τ and checkpoint t, and distance to the semicircle law: kinds
    /// `w1`, `kolmogorov` and `w1-minus-reference` (paired with the reference on the same paths).
    public func semicircleTable(_ comparison: SemicircleComparison) -> TidyTable {
        let context = tidyContext
        var table = TidyTable(name: "semicircle", gridColumns: ["tau", "t"])
        for r in comparison.rows {
            let batch = r.run == .randomBatch
            let grid = ["tau": csvNumber(r.dt), "t": csvNumber(r.t)]
            func add(_ kind: String, _ estimate: Estimate) {
                table.append(context.row(estimator: r.run.rawValue, sizeName: batch ? "p" : "", size: batch ? Double(r.batchSize) : nil,
                                         grid: grid, kind: kind, estimate: estimate))
            }
            add("w1", r.wasserstein1)
            add("kolmogorov", r.kolmogorov)
            if let excess = r.wasserstein1MinusReference { add("w1-minus-reference", excess) }
        }
        return table
    }

    /// `levels`: one row per error estimate at T: for each batch size and τ the strong, batch and
    /// weak errors (and the weak error against the closed form where there is one), and for each
    /// τ the time error of the full system (estimator "exact", no size). Column `informative`:
    /// false for a weak error within 2 SE of zero.
    public func levelsTable() -> TidyTable {
        let context = tidyContext
        let symbol = sizeSymbol
        var table = TidyTable(name: "levels", gridColumns: ["tau"], extraColumns: ["informative"])
        for level in levels {
            let grid = ["tau": csvNumber(level.dt)]
            func add(_ kind: String, _ estimate: Estimate, informative: Bool? = nil) {
                table.append(context.row(estimator: level.estimator, sizeName: symbol, size: level.size, grid: grid, kind: kind,
                                         estimate: estimate, extra: informative.map { ["informative": String($0)] } ?? [:]))
            }
            add("strong", level.strongError)
            add("batch", level.batchError)
            add("weak", level.weakError, informative: level.weakErrorInformative)
            if let vsExact = level.weakErrorVsExact { add("weak-vs-exact", vsExact) }
        }
        var seen = Set<Double>()
        for level in levels where seen.insert(level.dt).inserted {
            table.append(context.row(estimator: Self.fullSystemEstimator, sizeName: "", size: nil, grid: ["tau": csvNumber(level.dt)],
                                     kind: "time", estimate: level.timeError))
        }
        return table
    }

    /// `fits`: the fitted orders (kind `strong-order`, `batch-order`, `weak-order`,
    /// `time-order`), the strong error's shape coefficients (`shape-batch-coefficient` A,
    /// `shape-time-coefficient` B), the batch-size ratios (`batch-size-ratio`, size p₁ and
    /// `comparedSize` p₂), the floor exponent (`floor-exponent`) and the growth of each error in
    /// t (`strong-growth`, …, at `tau`), each with its 95% interval, theory and verdict.
    public func fitsTable() -> TidyTable {
        let context = tidyContext
        let symbol = sizeSymbol
        let trajectories = levels.first?.trajectories ?? configuration.trajectories
        var table = TidyTable(name: "fits", gridColumns: ["tau"], extraColumns: [
            "ci95Low", "ci95High", "theory", "lackOfFitP", "verdict", "intervalKind", "bootstrapLow", "bootstrapHigh",
            "asymptoticOrder", "asymptoticOrderSE", "singleOrderAdequate", "comparedSize"])
        func interval(_ ci: [Double]?) -> [String: String] {
            guard let ci, ci.count == 2 else { return [:] }
            return ["ci95Low": csvNumber(ci[0]), "ci95High": csvNumber(ci[1])]
        }
        for f in fits {
            let full = f.estimator == Self.fullSystemEstimator
            var extra = interval(f.ci95).merging([
                "theory": tidyNumber(f.theoryOrder), "lackOfFitP": tidyNumber(f.lackOfFitP), "verdict": f.verdict.verdict.rawValue,
                "intervalKind": f.intervalKind.rawValue, "asymptoticOrder": tidyNumber(f.asymptoticOrder?.value),
                "asymptoticOrderSE": tidyNumber(f.asymptoticOrder?.standardError), "singleOrderAdequate": String(f.singleOrderAdequate)]) { a, _ in a }
            if let b = f.bootstrapCI95, b.count == 2 { extra["bootstrapLow"] = csvNumber(b[0]); extra["bootstrapHigh"] = csvNumber(b[1]) }
            table.append(context.row(estimator: f.estimator, sizeName: full ? "" : symbol, size: full ? nil : estimatorSize(batchSize: f.batchSize),
                                     kind: "\(f.kind.rawValue)-order",
                                     estimate: Estimate(value: f.order, standardError: f.standardError, count: trajectories), extra: extra))
        }
        if let shape = strongShape {
            let common = ["lackOfFitP": tidyNumber(shape.lackOfFitP), "verdict": shape.verdict.verdict.rawValue]
            table.append(context.row(estimator: shape.estimator, sizeName: symbol, size: nil, kind: "shape-batch-coefficient",
                                     estimate: shape.batchCoefficient, extra: common.merging(interval(shape.batchCoefficientCI95)) { a, _ in a }))
            table.append(context.row(estimator: shape.estimator, sizeName: symbol, size: nil, kind: "shape-time-coefficient",
                                     estimate: shape.timeCoefficient, extra: common))
        }
        for r in batchSizeRatios {
            table.append(context.row(estimator: levels.first?.estimator ?? "", sizeName: symbol, size: estimatorSize(batchSize: r.batchSizes[0]),
                                     grid: ["tau": csvNumber(r.dt)], kind: "batch-size-ratio", estimate: r.measured,
                                     extra: interval(r.ci95).merging([
                                        "theory": csvNumber(r.theory), "verdict": r.verdict.verdict.rawValue,
                                        "comparedSize": csvNumber(estimatorSize(batchSize: r.batchSizes[1]))]) { a, _ in a }))
        }
        if let s = floorScaling {
            table.append(context.row(estimator: s.estimator, sizeName: symbol, size: nil, kind: "floor-exponent",
                                     estimate: Estimate(value: s.exponent, standardError: s.standardError, count: s.trajectories),
                                     extra: interval(s.ci95).merging([
                                        "theory": "-1", "lackOfFitP": tidyNumber(s.lackOfFitP), "verdict": s.verdict.verdict.rawValue,
                                        "singleOrderAdequate": String(s.singleExponentAdequate)]) { a, _ in a }))
        }
        for profile in timeProfiles {
            guard let growth = profile.lateGrowth else { continue }
            let full = profile.kind == .time
            table.append(context.row(estimator: full ? Self.fullSystemEstimator : profile.estimator, sizeName: full ? "" : symbol,
                                     size: full ? nil : estimatorSize(batchSize: profile.batchSize), grid: ["tau": csvNumber(profile.dt)],
                                     kind: "\(profile.kind.rawValue)-growth",
                                     estimate: Estimate(value: growth.exponent, standardError: growth.standardError, count: growth.trajectories),
                                     extra: interval(growth.ci95).merging(["lackOfFitP": tidyNumber(growth.lackOfFitP)]) { a, _ in a }))
        }
        return table
    }

    /// `floors`: per batch size the floor F of the batch error (kind `floor`) and the slope A of
    /// RMS² = F² + A·τ (kind `floor-slope`); `detected` says whether the floor is.
    public func floorsTable() -> TidyTable {
        let context = tidyContext
        let symbol = sizeSymbol
        var table = TidyTable(name: "floors", extraColumns: ["detected", "lackOfFitP"])
        for f in floors {
            let extra = ["detected": String(f.detected), "lackOfFitP": tidyNumber(f.fit.lackOfFitP)]
            let size = estimatorSize(batchSize: f.batchSize)
            table.append(context.row(estimator: f.estimator, sizeName: symbol, size: size, kind: "floor", estimate: f.floor, extra: extra))
            table.append(context.row(estimator: f.estimator, sizeName: symbol, size: size, kind: "floor-slope", estimate: f.fit.slope, extra: extra))
        }
        return table
    }

    /// `time-profiles`: every error at every checkpoint t, per batch size and τ (the time error
    /// of the full system with estimator "exact").
    public func timeProfilesTable() -> TidyTable {
        let context = tidyContext
        let symbol = sizeSymbol
        var table = TidyTable(name: "time-profiles", gridColumns: ["tau", "t"])
        for profile in timeProfiles {
            let full = profile.kind == .time
            for (t, error) in zip(profile.times, profile.errors) {
                table.append(context.row(estimator: full ? Self.fullSystemEstimator : profile.estimator, sizeName: full ? "" : symbol,
                                         size: full ? nil : estimatorSize(batchSize: profile.batchSize),
                                         grid: ["tau": csvNumber(profile.dt), "t": csvNumber(t)], kind: profile.kind.rawValue, estimate: error))
            }
        }
        return table
    }
}
