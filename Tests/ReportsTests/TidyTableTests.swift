import Foundation
import Reports
import Testing
import Studies

/// The long-format CSV: documented columns, one row per estimate, values as in the report.
@Suite("Tidy CSV tables")
struct TidyTableTests {
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

    @Test("levels.csv has the documented columns and one row per estimate, equal to the report")
    func levelsTableHasTheDocumentedColumnsAndOneRowPerEstimate() throws {
        let report = try linearReport()
        let table = report.levelsTable()
        let (header, rows) = parse(table.csv())
        #expect(header == ["system", "N", "d", "estimator", "sizeName", "size", "tau", "kind", "value", "SE", "count", "seed", "informative"])
        // strong, batch, weak and weak-vs-exact per (p, τ); the time error once per τ.
        #expect(rows.count == 4 * report.levels.count + report.configuration.timeSteps.count)
        #expect(rows.allSatisfy { $0.count == header.count })
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        for level in report.levels {
            for (kind, estimate) in [("strong", level.strongError), ("batch", level.batchError), ("weak", level.weakError),
                                     ("weak-vs-exact", level.weakErrorVsExact!)] {
                let matching = rows.filter { $0[column["kind"]!] == kind && Double($0[column["size"]!]) == level.size
                    && Double($0[column["tau"]!]) == level.dt }
                #expect(matching.count == 1, "one \(kind) row at p = \(level.batchSize), τ = \(level.dt)")
                let row = try #require(matching.first)
                #expect(Double(row[column["value"]!]) == estimate.value)
                #expect(Double(row[column["SE"]!]) == estimate.standardError)
                #expect(Int(row[column["count"]!]) == estimate.count)
                #expect(row[column["system"]!] == "linear")
                #expect(row[column["N"]!] == "16")
                #expect(row[column["seed"]!] == String(report.configuration.seed))
                #expect(row[column["sizeName"]!] == "p")
            }
        }
        #expect(rows.filter { $0[column["kind"]!] == "time" }.count == report.configuration.timeSteps.count)
    }

    @Test("fits.csv holds every fitted order with its interval and verdict")
    func fitsTableHoldsEveryFittedOrderWithItsInterval() throws {
        let report = try linearReport()
        let (header, rows) = parse(report.fitsTable().csv())
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        let orders = rows.filter { $0[column["kind"]!].hasSuffix("-order") }
        #expect(orders.count == report.fits.count)
        for fit in report.fits {
            let row = orders.first { $0[column["kind"]!] == "\(fit.kind.rawValue)-order" && $0[column["estimator"]!] == fit.estimator
                && (fit.estimator == "exact" || Double($0[column["size"]!]) == Double(fit.batchSize)) }
            #expect(row != nil, "\(fit.kind) order at p = \(fit.batchSize)")
            #expect(row.flatMap { Double($0[column["value"]!]) } == fit.order)
            #expect(row.flatMap { Double($0[column["ci95Low"]!]) } == fit.ci95[0])
            #expect(row?[column["verdict"]!] == fit.verdict.verdict.rawValue)
        }
        #expect(rows.filter { $0[column["kind"]!] == "batch-size-ratio" }.count == report.batchSizeRatios.count)
    }

    /// Bernoulli's size is the keep probability π: the tables name it and give π, not p.
    @Test("tables name the estimator's size parameter (π for Bernoulli), not p")
    func tablesNameTheEstimatorsSizeParameter() throws {
        let report = try linearReport(estimator: "bernoulli")
        #expect(report.sizeSymbol == "π")
        let (header, rows) = parse(report.levelsTable().csv())
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        let sizes = Set(rows.filter { $0[column["kind"]!] == "strong" }.map { $0[column["size"]!] })
        let expected: Set<String> = [String(1.0 / 15), String(3.0 / 15)]
        #expect(sizes == expected)
        let strongRows = rows.filter { $0[column["kind"]!] == "strong" }
        let names = Set(strongRows.map { $0[column["sizeName"]!] })
        #expect(names == ["π"])
        #expect(report.table().contains("\nπ "), "the levels table's first column is headed π")
        #expect(!report.table().contains("\np "), "no column headed p")
    }

    @Test("--format csv: every table after its '# table: NAME' line, levels first")
    func concatenatedTablesAreEachPrecededByTheirNameLine() throws {
        let report = try linearReport()
        let tables = report.tidyTables()
        let text = TidyTable.concatenated(tables)
        let names = text.split(separator: "\n").filter { $0.hasPrefix("# table: ") }.map { String($0.dropFirst(9)) }
        #expect(names == tables.map(\.name))
        #expect(names.first == "levels")
        #expect(names.contains("fits"))
    }

    @Test("CSV fields with commas or quotes are quoted; integer sizes print without .0")
    func fieldsWithCommasOrQuotesAreQuoted() {
        #expect(TidyTable.field("plain") == "plain")
        #expect(TidyTable.field("a, b") == "\"a, b\"")
        #expect(TidyTable.field("say \"x\"") == "\"say \"\"x\"\"\"")
        #expect(TidyTable.size(8) == "8")
        #expect(TidyTable.size(0.5) == "0.5")
    }

    /// A particle-system configuration's JSON has no attention block; attention's has it; both
    /// read back to the same JSON.
    @Test("configuration JSON carries the attention block only when attention runs, and reads back")
    func configurationJSONCarriesTheAttentionBlockOnlyForAttention() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var particle = ConvergenceConfiguration()
        particle.system = .smooth
        let particleJSON = try encoder.encode(particle)
        let particleObject = try #require(try JSONSerialization.jsonObject(with: particleJSON) as? [String: Any])
        #expect(particleObject["attention"] == nil)
        var attention = ConvergenceConfiguration()
        attention.system = .attention
        attention.attention.beta = 2
        let attentionJSON = try encoder.encode(attention)
        let attentionObject = try #require(try JSONSerialization.jsonObject(with: attentionJSON) as? [String: Any])
        #expect(attentionObject["attention"] != nil)
        for json in [particleJSON, attentionJSON] {
            let decoded = try JSONDecoder().decode(ConvergenceConfiguration.self, from: json)
            #expect(try encoder.encode(decoded) == json)
        }
        var sweep = VarianceSweepConfiguration()
        sweep.systems = ["smooth"]
        #expect((try JSONSerialization.jsonObject(with: encoder.encode(sweep)) as? [String: Any])?["attention"] == nil)
        sweep.systems = ["smooth", "attention"]
        #expect((try JSONSerialization.jsonObject(with: encoder.encode(sweep)) as? [String: Any])?["attention"] != nil)
    }
}
