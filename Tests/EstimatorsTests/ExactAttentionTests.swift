import Estimators
import NumericsCore
import Testing
import TestSupport

/// The blocked GEMM evaluation of attention ("Exact reference").
@Suite("Exact attention reference")
struct ExactAttentionTests {
    @Test("blocked exact attention equals a naive O(N²) evaluation to 1e-12 relative",
          arguments: AttentionNormalization.allCases)
    func blockedEqualsNaive(normalization: AttentionNormalization) throws {
        // N = 601: three query blocks and three key tiles of 256, the last of each partial.
        for (n, d, beta) in [(37, 5, 1.0), (601, 6, 4.0)] {
            let inputs = try fixedAttentionInputs(tokens: n, dimension: d, beta: beta, normalization: normalization)
            let blocked = ExactAttention().evaluate(inputs)
            let error = relativeRowError(blocked, naiveAttention(inputs))
            #expect(error < 1e-12, "N = \(n): relative error \(error)")
        }
    }

    @Test("exact attention is bit-identical for any thread count")
    func threadIndependence() throws {
        let inputs = try fixedAttentionInputs(tokens: 700, dimension: 4, beta: 2, normalization: .softmax)
        let one = ExactAttention(threads: 1).evaluate(inputs), two = ExactAttention(threads: 2).evaluate(inputs)
        #expect(one.elements == two.elements, "max difference \(zip(one.elements, two.elements).map { abs($0 - $1) }.max()!)")
    }

    @Test("max-shifted softmax does not overflow at large β")
    func largeBetaStaysFinite() throws {
        let inputs = try fixedAttentionInputs(tokens: 50, dimension: 3, beta: 2000, normalization: .softmax)
        let out = ExactAttention().evaluate(inputs)
        #expect(out.elements.allSatisfy { $0.isFinite })
        #expect(relativeRowError(out, naiveAttention(inputs)) < 1e-12)
    }

    @Test("the reference's own error against a compensated evaluation is at round-off level")
    func referenceErrorIsRoundOff() throws {
        let inputs = try fixedAttentionInputs(tokens: 2000, dimension: 16, beta: 1, normalization: .softmax)
        let exact = ExactAttention()
        let error = exact.referenceError(inputs, output: exact.evaluate(inputs), sampleRows: 16,
                                         stream: RandomStream(seed: 7, purpose: .estimatorDraws))
        #expect(error < 1e-13, "blocked vs compensated: \(error)")
        #expect(error > 0, "a zero difference would mean the check compares a value with itself")
    }
}
