import Foundation
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
        // N = 601: two query blocks of 512 and three key tiles of 256, the last of each partial.
        for (n, d, beta) in [(37, 5, 1.0), (601, 6, 4.0)] {
            let inputs = try fixedAttentionInputs(tokens: n, dimension: d, beta: beta, normalization: normalization)
            let blocked = ExactAttention().evaluate(inputs)
            let error = relativeRowError(blocked, naiveAttention(inputs))
            #expect(error < 1e-12, "N = \(n): relative error \(error)")
        }
    }

    @Test("the one-pass tile (running maximum exceeded in the middle of a later tile) equals a naive evaluation to 1e-12",
          arguments: AttentionNormalization.allCases)
    func runningMaximumExceededMidTile(normalization: AttentionNormalization) {
        // Keys rise within each 256-key tile and each tile starts 0.7 above the last, so in every
        // later tile the first scores stay below the running maximum and the last ones exceed it:
        // the weights computed before the crossing are rescaled to the new maximum. N = 601 ends on
        // a partial tile of 89 keys (a padded vector tail); the crossing is near key 76 of each later tile.
        let n = 601, tile = ExactAttention.keyTile
        var q = Matrix(rows: n, columns: 1), k = q, v = Matrix(rows: n, columns: 2)
        for i in 0..<n {
            q[i, 0] = 1 + Double(i % 7) / 7
            k[i, 0] = Double(i % tile) / Double(tile) + 0.7 * Double(i / tile)
            v[i, 0] = sin(Double(i))
            v[i, 1] = cos(Double(3 * i))
        }
        let inputs = AttentionInputs(queries: q, keys: k, values: v, beta: 6, normalization: normalization)
        let error = relativeRowError(ExactAttention().evaluate(inputs), naiveAttention(inputs))
        #expect(error < 1e-12, "relative error \(error)")
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
