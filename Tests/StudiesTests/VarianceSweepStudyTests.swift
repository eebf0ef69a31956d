import Estimators
import Foundation
import NumericsCore
import Studies
import Testing
import TestSupport

/// The variance sweep as a library: results independent of the thread count, closed forms
/// reproduced by the study's rows, matched-cost sizes, the JSON contract, and bad input.
@Suite("Variance sweep study")
struct VarianceSweepStudyTests {
    @Test("rows are bit-identical for 1 and 2 threads")
    func threadCountDoesNotChangeResults() throws {
        var c = smallVarianceSweepConfiguration(["smooth", "attention"])
        c.estimators = ["bernoulli"]
        c.sizes = [0.5]
        c.threads = 1
        let one = try VarianceSweepStudy.run(c)
        c.threads = 2
        let two = try VarianceSweepStudy.run(c)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(one.rows.count == two.rows.count)
        for (a, b) in zip(one.rows, two.rows) {
            #expect(try encoder.encode(a) == encoder.encode(b), "\(a) vs \(b)")
        }
    }

    @Test("a row does not depend on the other rows of the sweep")
    func rowsAreIndependentOfTheSweep() throws {
        var c = smallVarianceSweepConfiguration()
        c.estimators = ["random-batch"]
        c.sizes = [4]
        let alone = try VarianceSweepStudy.run(c)
        c.estimators = ["bernoulli", "random-batch"]
        c.sizes = nil
        c.matchCost = [3]
        let together = try VarianceSweepStudy.run(c)
        let row = try #require(together.rows.first { $0.estimator == "random-batch" })
        #expect(row.size == 4)
        #expect(row.variance == alone.rows[0].variance)
    }

    @Test("the sweep's rows reproduce the closed forms: ratio CIs cover 1 and unbiased rows pass the bias test")
    func rowsReproduceClosedForms() throws {
        var c = smallVarianceSweepConfiguration(["linear"])
        c.draws = 2_000
        c.matchCost = [3, 7]
        let report = try VarianceSweepStudy.run(c)
        #expect(report.rows.count == 8)
        for row in report.rows {
            let theory = try #require(row.theoryVariance)
            #expect(abs(row.variance.value - theory) <= 4 * row.variance.standardError,
                    "\(row.estimator) \(row.size): \(row.variance.value) ± \(row.variance.standardError) vs \(theory)")
            #expect(row.biasPValue > 1e-3, "\(row.estimator) \(row.size): p = \(row.biasPValue)")
        }
        for fit in report.fits where fit.kind == .theory {
            #expect(fit.slopeCI95[0] - 0.1 <= 1 && 1 <= fit.slopeCI95[1] + 0.1, "\(fit.estimator): slope \(fit.slope) \(fit.slopeCI95)")
        }
    }

    @Test("matched cost picks sizes of equal expected cost")
    func matchedCostSizes() throws {
        var c = smallVarianceSweepConfiguration(["attention"])
        c.particles = 64
        c.draws = 8
        c.configurations = 1
        c.estimators = ["rba", "bernoulli", "uniform-columns", "skeinformer", "yoso"]
        c.matchCost = [18]
        let report = try VarianceSweepStudy.run(c)
        for row in report.rows { #expect(abs(row.cost - 18) / 18 < 0.1, "\(row.estimator): size \(row.size), cost \(row.cost)") }
        #expect(report.rows.first { $0.estimator == "yoso" }?.size == 2)
        #expect(report.rows.first { $0.estimator == "skeinformer" }?.size == 9)
    }

    @Test("the JSON document has the contract's fields, with null where there is no theory")
    func jsonContract() throws {
        var c = smallVarianceSweepConfiguration(["attention"])
        c.draws = 16
        c.configurations = 1
        c.estimators = ["yoso", "skeinformer"]
        c.sizes = [2]
        let data = try VarianceSweepStudy.run(c).json()
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["schema"] as? String == "rbm-study/variance-sweep/1")
        let rows = try #require(object["rows"] as? [[String: Any]])
        for key in ["estimator", "size", "cost", "draws", "variance", "theoryVariance", "bias", "biasPValue"] {
            #expect(rows.allSatisfy { $0.keys.contains(key) }, "missing \(key)")
        }
        #expect(rows[1]["theoryVariance"] is NSNull)
        #expect(rows[0]["theoryVariance"] is Double)
    }

    @Test("bad sizes and names are InvalidInput naming the option", arguments: [
        ("random-batch", 17.0, "--sizes"), ("bernoulli", 0.0, "--sizes"), ("bernoulli", 1.01, "--sizes"),
        ("uniform-columns", 17.0, "--sizes"), ("nosuch", 2.0, "--estimators"),
    ])
    func badInput(estimator: String, size: Double, option: String) {
        var c = smallVarianceSweepConfiguration()
        c.estimators = [estimator]
        c.sizes = [size]
        #expect { try c.validate() } throws: { ($0 as? InvalidInput)?.option == option }
    }
}
