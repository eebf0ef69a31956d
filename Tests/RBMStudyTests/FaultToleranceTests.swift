import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore
import Studies
import Testing

/// The inputs of the fault audit (issue 11) that used to trap or go wrong silently, at the level
/// of the library: overflowing importance probabilities, unusable column probabilities, CRLF and
/// NUL bytes in token files, a step count beyond Int, the memory estimate of a convergence run,
/// and files replaced together or not at all.
@Suite("Fault tolerance")
struct FaultToleranceTests {
    static func inputs(beta: Double, normalization: AttentionNormalization) throws -> AttentionInputs {
        var setup = AttentionSetup()
        setup.tokens = 12
        setup.dimension = 3
        setup.beta = beta
        setup.normalization = normalization
        return try setup.inputs(seed: 5, index: 0)
    }

    @Test("importance probabilities stay finite for mean-field β up to 709 and match the plain ones where those exist")
    func importanceProbabilities() throws {
        for beta in [355.0, 500, 709] {
            let inputs = try Self.inputs(beta: beta, normalization: .meanField)
            let plan = ImportanceColumnAttention(samples: 4).prepare(inputs)
            #expect(plan.probabilities.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(abs(plan.probabilities.reduce(0, +) - 1) < 1e-12)
            let out = ImportanceColumnAttention(samples: 4).estimate(inputs, stream: RandomStream(seed: 1, purpose: .estimatorDraws))
            #expect(out.elements.allSatisfy { $0.isFinite })
        }
        let inputs = try Self.inputs(beta: 2, normalization: .meanField)
        let plain = ImportanceColumnAttention(samples: 4).prepare(inputs).probabilities
        let scaled = ImportanceColumnAttention.scaledProbabilities(AttentionWeightMatrix(inputs))
        let total = scaled.reduce(0, +)
        for (p, q) in zip(plain, scaled) { #expect(abs(p - q / total) <= 1e-13 * max(p, 1e-300) + 1e-300) }
    }

    @Test("unusable column probabilities are repaired, never trapped on")
    func repairedProbabilities() throws {
        let weights = AttentionWeightMatrix(try Self.inputs(beta: 1, normalization: .softmax))
        let n = weights.tokens
        var p = [Double](repeating: 1, count: n)
        p[0] = .infinity; p[1] = .nan; p[2] = -1
        #expect(ColumnSamplingPlan(weights: weights, probabilities: p).probabilities[0] == 1)
        let uniform = ColumnSamplingPlan(weights: weights, probabilities: [Double](repeating: .nan, count: n)).probabilities
        #expect(uniform.allSatisfy { abs($0 - 1 / Double(n)) < 1e-15 })
        let huge = ColumnSamplingPlan(weights: weights, probabilities: [Double](repeating: 1e308, count: n)).probabilities
        #expect(huge.allSatisfy { abs($0 - 1 / Double(n)) < 1e-15 })
    }

    @Test("token files: CRLF lines are lines, a NUL or escape byte is refused with its line number")
    func tokenFiles() throws {
        let crlf = try TokenFile.parse("1,0,0\r\n0,1,0\r\n# note\r\n0,0,1\r\n", path: "t.csv")
        #expect(crlf.rows == 3 && crlf.columns == 3)
        let ragged = #expect(throws: TokenFile.Error.self) { try TokenFile.parse("1,0,0\r\n0,1\r\n", path: "t.csv") }
        #expect(ragged?.message == "line 2 has 2 entries, expected 3 (ragged rows)")
        #expect(throws: TokenFile.Error.self) { try TokenFile.parse("1,0\n2\u{0}5,1\n", path: "t.csv") }
        #expect(throws: TokenFile.Error.self) { try TokenFile.parse("1,0\n\u{1B}[2J2,1\n", path: "t.csv") }
    }

    @Test("a step count beyond Int is bad input, not a trap")
    func stepCount() {
        var c = WorkPrecisionConfiguration()
        c.attention.tokens = 16
        c.attention.dimension = 4
        c.timeStep = 1e-19
        #expect(c.steps == 0)
        #expect(throws: InvalidInput.self) { try c.validate() }
    }

    @Test("the memory estimate of the audit's convergence run exceeds 10 GB")
    func memoryEstimate() {
        var c = ConvergenceConfiguration()
        c.particles = 5_000_000
        c.dimension = 32
        c.timeSteps = [1, 0.5]
        c.horizon = 1
        c.trajectories = 2
        c.threads = 2
        #expect(c.estimatedMemoryBytes > 10e9)
        c.particles = 64
        c.dimension = 2
        #expect(c.estimatedMemoryBytes < 100e6)
    }

    @Test("a file set is renamed into place together, or not at all; temporaries are unpredictable")
    func fileSet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rbm-fault-\(UInt64.random(in: 0 ... .max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let abandoned = AtomicFileSet(directory: directory)
        try abandoned.stage(Data("a".utf8), as: "a.txt")
        try abandoned.stage(Data("b".utf8), as: "b.txt")
        let staged = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(staged.count == 2 && staged.allSatisfy { $0.hasPrefix(".") && $0.hasSuffix(".tmp") && $0.count > 12 })
        abandoned.abandon()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
        let set = AtomicFileSet(directory: directory)
        try set.stage(Data("a".utf8), as: "a.txt")
        try set.stage(Data("b".utf8), as: "b.txt")
        try set.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["a.txt", "b.txt"])
        #expect(try String(contentsOf: directory.appendingPathComponent("b.txt"), encoding: .utf8) == "b")
    }
}
