import Foundation
import NumericsCore
import Reports
import Testing
import Studies

/// The long-format CSV of the distributional and long-time studies: the documented leading and
/// estimate columns, one row per estimate, values equal to the report's.
@Suite("Tidy CSV tables of the distributional and long-time studies")
struct DistributionalTidyTableTests {
    func distributionalReport() throws -> DistributionalReport {
        var c = DistributionalConfiguration()
        c.particles = 8
        c.timeSteps = [0.5, 0.25, 0.125]
        c.referenceRefinement = 2
        c.trajectories = 40
        c.groups = 4
        c.threads = 2
        return try DistributionalStudy.run(c)
    }

    func longTimeReport() throws -> LongTimeReport {
        var c = LongTimeConfiguration()
        c.particles = 8
        c.batchSizes = [2, 4]
        c.timeSteps = [0.2, 0.1]
        c.burnIn = 1
        c.averagingTime = 2
        c.trajectories = 8
        c.threads = 2
        return try LongTimeSamplingStudy.run(c)
    }

    /// Header and rows of a table's CSV, split on commas outside quotes, with a column index.
    func parse(_ table: TidyTable) -> (header: [String], rows: [[String]], column: [String: Int]) {
        let lines = table.csv().split(separator: "\n").map { line in
            var fields: [String] = [], field = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { fields.append(field); field = "" } else { field.append(ch) }
            }
            fields.append(field)
            return fields
        }
        return (lines[0], Array(lines.dropFirst()), Dictionary(uniqueKeysWithValues: lines[0].enumerated().map { ($1, $0) }))
    }

    /// Every table starts with the leading columns, has the estimate columns after its grid, and
    /// every row has as many fields as the header.
    func expectTidyShape(_ table: TidyTable) {
        let (header, rows, _) = parse(table)
        #expect(Array(header.prefix(6)) == TidyTable.leadingColumns, "\(table.name): leading columns")
        let kind = header.firstIndex(of: "kind") ?? 0
        #expect(Array(header[kind..<min(header.count, kind + 5)]) == TidyTable.estimateColumns, "\(table.name): estimate columns")
        #expect(rows.allSatisfy { $0.count == header.count }, "\(table.name): every row has \(header.count) fields")
    }

    @Test("distributional weak.csv: one row per (observable, τ), equal to the report, with system, N, d, p and seed")
    func distributionalWeakTableHasOneRowPerWeakError() throws {
        let report = try distributionalReport()
        let table = report.weakTable()
        expectTidyShape(table)
        let (_, rows, column) = parse(table)
        #expect(rows.count == report.weak.count)
        for w in report.weak {
            let matching = rows.filter { $0[column["observable"]!] == w.observable.rawValue && Double($0[column["tau"]!]) == w.dt }
            #expect(matching.count == 1, "one weak row for \(w.observable.rawValue) at τ = \(w.dt)")
            let row = try #require(matching.first)
            #expect(row[column["kind"]!] == "weak")
            #expect(Double(row[column["value"]!]) == w.error.value)
            #expect(Double(row[column["SE"]!]) == w.error.standardError)
            #expect(Int(row[column["count"]!]) == w.error.count)
            #expect(row[column["exact"]!] == (w.exactError.map { String($0) } ?? ""))
            #expect(row[column["system"]!] == "linear" && row[column["N"]!] == "8" && row[column["d"]!] == "1")
            #expect(row[column["estimator"]!] == "random-batch-replacement" && row[column["sizeName"]!] == "p" && row[column["size"]!] == "2")
            #expect(row[column["seed"]!] == String(report.configuration.seed))
        }
    }

    @Test("distributional distances.csv: raw, own-floor and corrected W2² per τ, W2 where it exceeds 2 SE, the exact floor once")
    func distributionalDistancesTableHoldsEveryDistanceEstimate() throws {
        let report = try distributionalReport()
        let table = report.distancesTable()
        expectTidyShape(table)
        let (_, rows, column) = parse(table)
        let roots = report.distances.filter { $0.distance != nil }.count
        #expect(rows.count == 3 * report.distances.count + roots + 1)
        for r in report.distances {
            for (kind, estimate) in [("w2-squared", r.raw), ("w2-squared-replacement-floor", r.replacementFloor), ("w2-squared-corrected", r.corrected)] {
                let row = rows.first { $0[column["kind"]!] == kind && Double($0[column["tau"]!]) == r.dt }
                #expect(row.flatMap { Double($0[column["value"]!]) } == estimate.value, "\(kind) at τ = \(r.dt)")
                #expect(row.flatMap { Int($0[column["count"]!]) } == report.configuration.groups)
            }
        }
        let floor = try #require(rows.first { $0[column["kind"]!] == "w2-squared-floor" })
        #expect(floor[column["estimator"]!] == "exact" && floor[column["size"]!] == "" && floor[column["tau"]!] == "")
        #expect(Double(floor[column["value"]!]) == report.distances[0].floor.value)
    }

    @Test("distributional fits.csv: every fitted order with its interval, theory and reading; --format csv order weak, distances, fits")
    func distributionalFitsTableHoldsEveryOrder() throws {
        let report = try distributionalReport()
        let table = report.fitsTable()
        expectTidyShape(table)
        let (_, rows, column) = parse(table)
        #expect(rows.count == report.orders.count)
        for (order, row) in zip(report.orders, rows) {
            #expect(row[column["quantity"]!] == order.quantity)
            #expect(row[column["kind"]!] == (order.quantity.hasPrefix("weak") ? "weak-order" : "w2-order"))
            #expect(Double(row[column["theory"]!]) == order.theoryOrder)
            if let fit = order.fit {
                #expect(Double(row[column["value"]!]) == fit.order)
                #expect(Double(row[column["ci95Low"]!]) == fit.ci95[0] && Double(row[column["ci95High"]!]) == fit.ci95[1])
            } else {
                #expect(row[column["value"]!] == "")
            }
        }
        let names = TidyTable.concatenated(report.tidyTables()).split(separator: "\n").filter { $0.hasPrefix("# table: ") }
        #expect(names == ["# table: weak", "# table: distances", "# table: fits"])
    }

    @Test("long-time rows.csv: time average, sampling error and final-law error per (p, τ), with their exact values")
    func longTimeRowsTableHasThreeEstimatesPerBatchSizeAndStep() throws {
        let report = try longTimeReport()
        let table = report.rowsTable()
        expectTidyShape(table)
        let (_, rows, column) = parse(table)
        #expect(rows.count == 3 * report.rows.count)
        for r in report.rows {
            let at = rows.filter { Double($0[column["size"]!]) == Double(r.batchSize) && Double($0[column["tau"]!]) == r.dt }
            for (kind, estimate, exact) in [("time-average", r.timeAverage, Optional(r.expectedTimeAverage)),
                                            ("sampling-error", r.samplingError, r.exactSamplingError),
                                            ("final-law-error", r.finalLawError, Optional(r.exactFinalLawError))] {
                let row = at.first { $0[column["kind"]!] == kind }
                #expect(row.flatMap { Double($0[column["value"]!]) } == estimate.value, "\(kind) at p = \(r.batchSize), τ = \(r.dt)")
                #expect(row.flatMap { Double($0[column["SE"]!]) } == estimate.standardError)
                #expect(row?[column["exact"]!] == (exact.map { String($0) } ?? ""))
                #expect(row?[column["system"]!] == "linear" && row?[column["estimator"]!] == "random-batch" && row?[column["sizeName"]!] == "p")
            }
            #expect(at.first { $0[column["kind"]!] == "time-average" }?[column["covered"]!] == String(r.covered))
        }
    }

    @Test("long-time fits.csv: one sampling-error order per p; --format csv order rows, fits")
    func longTimeFitsTableHasOneOrderPerBatchSize() throws {
        let report = try longTimeReport()
        let table = report.fitsTable()
        expectTidyShape(table)
        let (_, rows, column) = parse(table)
        #expect(rows.count == report.orders.count)
        for (order, row) in zip(report.orders, rows) {
            #expect(row[column["kind"]!] == "sampling-error-order")
            #expect(Double(row[column["size"]!]) == Double(order.batchSize))
            #expect(row[column["value"]!] == (order.fit.map { String($0.order) } ?? ""))
        }
        #expect(report.tidyTables().map(\.name) == ["rows", "fits"])
    }
}
