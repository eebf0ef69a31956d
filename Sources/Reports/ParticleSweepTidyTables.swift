import Foundation
import NumericsCore
import Studies

extension ParticleSweepReport {
    /// Every table of the N sweep, in the order `--format csv` prints them: `particle-scaling`,
    /// `particle-fits`.
    public func tidyTables() -> [TidyTable] { [scalingTable(), fitsTable()] }

    /// The size symbol of the sweep's tables: the estimator's (p, m, c, …) when its size does not
    /// depend on N; "p" (the --batch-sizes entry) for a size that does (π = (p−1)/(N−1)).
    public var sizeSymbol: String {
        guard let first = reports.first, first.levels.allSatisfy({ $0.size == Double($0.batchSize) }) else { return "p" }
        return first.sizeSymbol
    }

    /// The report at N = `n` (nil when the sweep has none).
    func report(particles n: Int) -> ConvergenceReport? { zip(particleCounts, reports).first { $0.0 == n }?.1 }

    /// `particle-scaling`: every error at the finest `tau` at every N (kind `strong`, `batch`,
    /// `weak`; `time` for full Euler–Maruyama with estimator "exact"), raw RMS errors.
    public func scalingTable() -> TidyTable {
        var table = TidyTable(name: "particle-scaling", gridColumns: ["tau"])
        for s in particleScaling {
            let full = s.kind == .time
            for (n, error) in zip(s.particles, s.errors) {
                let r = report(particles: n)
                let context = r?.tidyContext ?? TidyContext(system: configuration.system.rawValue, particles: n, dimension: nil, seed: nil)
                table.append(context.row(estimator: full ? ConvergenceReport.fullSystemEstimator : s.estimator,
                                         sizeName: full ? "" : r?.sizeSymbol ?? "p", size: full ? nil : r?.estimatorSize(batchSize: s.batchSize),
                                         grid: ["tau": csvNumber(s.dt)], kind: s.kind.rawValue, estimate: error))
            }
        }
        return table
    }

    /// `particle-fits`: the exponent of each error in N (kind `strong-exponent`, …; N empty, the
    /// fit spans the sweep) with its 95% interval, theory and verdict (`scaled`: fitted to
    /// error/√g(p, N)), and the measured CPU seconds per trajectory step at each N (kind
    /// `cpu-seconds-per-step`, no SE: one timing).
    public func fitsTable() -> TidyTable {
        var table = TidyTable(name: "particle-fits", gridColumns: ["tau"],
                              extraColumns: ["ci95Low", "ci95High", "theory", "verdict", "scaled", "cpuSecondsPerStep"])
        let first = reports.first
        let context = TidyContext(system: configuration.system.rawValue, particles: nil, dimension: first?.problem.dimension,
                                  seed: manifest.seed)
        let symbol = sizeSymbol  // p for a size that depends on N
        for s in particleScaling {
            let full = s.kind == .time
            table.append(context.row(estimator: full ? ConvergenceReport.fullSystemEstimator : s.estimator,
                                     sizeName: full ? "" : symbol, size: full ? nil : Double(s.batchSize),
                                     grid: ["tau": csvNumber(s.dt)], kind: "\(s.kind.rawValue)-exponent",
                                     estimate: Estimate(value: s.exponent, standardError: s.standardError, count: s.errors.first?.count ?? 0),
                                     extra: ["ci95Low": csvNumber(s.ci95[0]), "ci95High": csvNumber(s.ci95[1]), "theory": tidyNumber(s.theoryExponent),
                                             "verdict": s.verdict.verdict.rawValue, "scaled": String(s.dividedByRootVarianceFactor)]))
        }
        for c in cost {
            let r = report(particles: c.particles)
            let here = r?.tidyContext ?? TidyContext(system: configuration.system.rawValue, particles: c.particles, dimension: nil, seed: nil)
            table.append(here.row(estimator: "", sizeName: "", size: nil, kind: "cpu-seconds-per-step", estimate: nil,
                                  extra: ["cpuSecondsPerStep": csvNumber(c.cpuSecondsPerStep)]))
        }
        return table
    }
}
