import Foundation
import NumericsCore
import XCTest
import Studies

/// The long-format CSV: documented columns, one row per estimate, values as in the report.
final class TidyTableTests: XCTestCase {
    /// A small linear study (it has the closed-form weak error, so every level kind appears).
    func linearReport(estimator: String? = nil) throws -> ConvergenceReport {
        var c = ConvergenceConfiguration()
        c.system = .linear
        c.estimator = estimator
        c.particles = 16
        c.batchSizes = [2, 4]
        c.timeSteps = [0.25, 0.125, 0.0625]
        c.horizon = 1
        c.trajectories = 8
        c.threads = 2
        c.bootstrapReplicates = 50
        return try ConvergenceStudy.run(c)
    }

    /// The rows of a CSV table (no quoted commas in these tables' numeric fields).
    func parse(_ csv: String) -> (header: [String], rows: [[String]]) {
        let lines = csv.split(separator: "\n").map { line in
            // Split on commas outside quotes.
            var fields: [String] = [], field = "", quoted = false
            for ch in line {
                if ch == "\"" { quoted.toggle() } else if ch == "," && !quoted { fields.append(field); field = "" } else { field.append(ch) }
            }
            fields.append(field)
            return fields
        }
        return (lines[0], Array(lines.dropFirst()))
    }

    func testLevelsTableHasTheDocumentedColumnsAndOneRowPerEstimate() throws {
        let report = try linearReport()
        let table = report.levelsTable()
        let (header, rows) = parse(table.csv())
        XCTAssertEqual(header, ["system", "N", "d", "estimator", "sizeName", "size", "tau", "kind", "value", "SE", "count", "seed", "informative"])
        // strong, batch, weak and weak-vs-exact per (p, τ); the time error once per τ.
        XCTAssertEqual(rows.count, 4 * report.levels.count + report.configuration.timeSteps.count)
        XCTAssertTrue(rows.allSatisfy { $0.count == header.count })
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        for level in report.levels {
            for (kind, estimate) in [("strong", level.strongError), ("batch", level.batchError), ("weak", level.weakError),
                                     ("weak-vs-exact", level.weakErrorVsExact!)] {
                let matching = rows.filter { $0[column["kind"]!] == kind && Double($0[column["size"]!]) == level.size
                    && Double($0[column["tau"]!]) == level.dt }
                XCTAssertEqual(matching.count, 1, "one \(kind) row at p = \(level.batchSize), τ = \(level.dt)")
                XCTAssertEqual(Double(matching[0][column["value"]!]), estimate.value)
                XCTAssertEqual(Double(matching[0][column["SE"]!]), estimate.standardError)
                XCTAssertEqual(Int(matching[0][column["count"]!]), estimate.count)
                XCTAssertEqual(matching[0][column["system"]!], "linear")
                XCTAssertEqual(matching[0][column["N"]!], "16")
                XCTAssertEqual(matching[0][column["seed"]!], String(report.configuration.seed))
                XCTAssertEqual(matching[0][column["sizeName"]!], "p")
            }
        }
        XCTAssertEqual(rows.filter { $0[column["kind"]!] == "time" }.count, report.configuration.timeSteps.count)
    }

    func testFitsTableHoldsEveryFittedOrderWithItsInterval() throws {
        let report = try linearReport()
        let (header, rows) = parse(report.fitsTable().csv())
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        let orders = rows.filter { $0[column["kind"]!].hasSuffix("-order") }
        XCTAssertEqual(orders.count, report.fits.count)
        for fit in report.fits {
            let row = orders.first { $0[column["kind"]!] == "\(fit.kind.rawValue)-order" && $0[column["estimator"]!] == fit.estimator
                && (fit.estimator == "exact" || Double($0[column["size"]!]) == Double(fit.batchSize)) }
            XCTAssertNotNil(row, "\(fit.kind) order at p = \(fit.batchSize)")
            XCTAssertEqual(row.flatMap { Double($0[column["value"]!]) }, fit.order)
            XCTAssertEqual(row.flatMap { Double($0[column["ci95Low"]!]) }, fit.ci95[0])
            XCTAssertEqual(row?[column["verdict"]!], fit.verdict.verdict.rawValue)
        }
        XCTAssertEqual(rows.filter { $0[column["kind"]!] == "batch-size-ratio" }.count, report.batchSizeRatios.count)
    }

    /// Bernoulli's size is the keep probability π: the tables name it and give π, not p.
    func testTablesNameTheEstimatorsSizeParameter() throws {
        let report = try linearReport(estimator: "bernoulli")
        XCTAssertEqual(report.sizeSymbol, "π")
        let (header, rows) = parse(report.levelsTable().csv())
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        let sizes = Set(rows.filter { $0[column["kind"]!] == "strong" }.map { $0[column["size"]!] })
        XCTAssertEqual(sizes, Set([1.0 / 15, 3.0 / 15].map { String($0) }))
        XCTAssertTrue(rows.filter { $0[column["kind"]!] == "strong" }.allSatisfy { $0[column["sizeName"]!] == "π" })
        XCTAssertTrue(report.table().contains("\nπ "), "the levels table's first column is headed π")
        XCTAssertFalse(report.table().contains("\np "), "no column headed p")
    }

    func testConcatenatedTablesAreEachPrecededByTheirNameLine() throws {
        let report = try linearReport()
        let tables = report.tidyTables()
        let text = TidyTable.concatenated(tables)
        let names = text.split(separator: "\n").filter { $0.hasPrefix("# table: ") }.map { String($0.dropFirst(9)) }
        XCTAssertEqual(names, tables.map(\.name))
        XCTAssertEqual(names.first, "levels")
        XCTAssertTrue(names.contains("fits"))
    }

    func testFieldsWithCommasOrQuotesAreQuoted() {
        XCTAssertEqual(TidyTable.field("plain"), "plain")
        XCTAssertEqual(TidyTable.field("a, b"), "\"a, b\"")
        XCTAssertEqual(TidyTable.field("say \"x\""), "\"say \"\"x\"\"\"")
        XCTAssertEqual(TidyTable.size(8), "8")
        XCTAssertEqual(TidyTable.size(0.5), "0.5")
    }

    /// A particle-system configuration's JSON has no attention block; attention's has it; both
    /// read back to the same JSON.
    func testConfigurationJSONCarriesTheAttentionBlockOnlyForAttention() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var particle = ConvergenceConfiguration()
        particle.system = .smooth
        let particleJSON = try encoder.encode(particle)
        let particleObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: particleJSON) as? [String: Any])
        XCTAssertNil(particleObject["attention"])
        var attention = ConvergenceConfiguration()
        attention.system = .attention
        attention.attention.beta = 2
        let attentionJSON = try encoder.encode(attention)
        let attentionObject = try XCTUnwrap(try JSONSerialization.jsonObject(with: attentionJSON) as? [String: Any])
        XCTAssertNotNil(attentionObject["attention"])
        for json in [particleJSON, attentionJSON] {
            let decoded = try JSONDecoder().decode(ConvergenceConfiguration.self, from: json)
            XCTAssertEqual(try encoder.encode(decoded), json)
        }
        var sweep = VarianceSweepConfiguration()
        sweep.systems = ["smooth"]
        XCTAssertNil((try JSONSerialization.jsonObject(with: encoder.encode(sweep)) as? [String: Any])?["attention"])
        sweep.systems = ["smooth", "attention"]
        XCTAssertNotNil((try JSONSerialization.jsonObject(with: encoder.encode(sweep)) as? [String: Any])?["attention"])
    }
}
