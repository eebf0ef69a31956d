import Estimators
import Foundation
import NumericsCore
import Testing

/// YOSO's hash (arXiv 2111.09714): τ sign random projections collide with
/// probability (1 − θ/π)^τ for two vectors at angle θ.
@Suite("YOSO collision probability")
struct YOSOCollisionTests {
    static let hashes = 20_000

    @Test("collision frequency matches (1 − θ/π)^τ within 4 binomial SE",
          arguments: [0.05, 0.4, 1.0, 1.6, 2.3, 3.0], [1, 2, 4, 8])
    func collisionProbability(angle: Double, bits: Int) {
        let d = 5
        // q = e₁, k = cos θ e₁ + sin θ e₂, then a fixed rotation-free embedding in ℝ⁵.
        var q = [Double](repeating: 0, count: d), k = q
        q[0] = 1
        k[0] = cos(angle); k[1] = sin(angle)
        let stream = RandomStream(seed: 99, purpose: .estimatorDraws, index: UInt32(bits))
        var hash = YOSOHash(bits: bits, dimension: d, stream: stream)
        var collisions = 0
        for h in 0..<Self.hashes {
            if h > 0 { hash.redraw(stream) }
            if hash.code(q) == hash.code(k) { collisions += 1 }
        }
        let p = YOSOHash.collisionProbability(cosine: cos(angle), bits: bits)
        #expect(abs(p - pow(1 - angle / Double.pi, Double(bits))) < 1e-14)
        let frequency = Double(collisions) / Double(Self.hashes)
        let se = (p * (1 - p) / Double(Self.hashes)).squareRoot()
        #expect(abs(frequency - p) <= 4 * se + 1 / Double(Self.hashes),
                "θ = \(angle), τ = \(bits): frequency \(frequency), theory \(p), SE \(se)")
    }

    @Test("YOSO-E is the expectation: sampled YOSO with many hashes approaches it")
    func manyHashesApproachExpectation() {
        let n = 12, d = 3
        let stream = RandomStream(seed: 3, purpose: .configuration)
        var q = Matrix(rows: n, columns: d), k = q, v = q
        stream.fillGaussian(&q.elements); stream.fillGaussian(&k.elements); stream.fillGaussian(&v.elements)
        let inputs = AttentionInputs(queries: q, keys: k, values: v, beta: 1, normalization: .softmax)
        let estimator = YOSOAttention(hashes: 20_000, bits: 2)
        let out = estimator.estimate(inputs, stream: RandomStream(seed: 4, purpose: .estimatorDraws))
        let target = estimator.exactTarget(inputs)
        let variance = estimator.theoreticalMeanSquaredError(inputs)!
        var error = 0.0
        for i in 0..<n { for c in 0..<d { error += (out[i, c] - target[i, c]) * (out[i, c] - target[i, c]) } }
        let expected = variance.reduce(0, +)
        // Σᵢ‖Ŷᵢ − Yᵢ‖² has mean Σᵢ variance[i]; 25× its mean is far in the tail (Markov: p ≤ 1/25).
        #expect(expected > 0 && error <= 25 * expected, "Σ‖Ŷ − Y‖² = \(error), E = \(expected)")
    }
}

@Suite("YOSO hash codes")
struct YOSOHashCodeTests {
    @Test("the vectorised codes of many rows equal the scalar code of each row bit for bit (zero rows, n not a multiple of 8)",
          arguments: [(1, 3, 13), (8, 8, 37), (13, 20, 9), (600, 4, 11)])
    func vectorCodesEqualScalarCodes(dimension d: Int, bits: Int, rows n: Int) {
        let stream = RandomStream(seed: 9_400 + UInt64(d), purpose: .estimatorDraws)
        var x = [Double](repeating: 0, count: n * d)
        stream.fillGaussian(&x)
        for c in 0..<d { x[d + c] = 0 }  // a zero row: every dot product is +0, code all ones
        let hash = YOSOHash(bits: bits, dimension: d, stream: stream)
        var codes = [Int](repeating: -1, count: n)
        x.withUnsafeBufferPointer { px in
            codes.withUnsafeMutableBufferPointer { hash.codes(px.baseAddress!, count: n, into: $0.baseAddress!) }
        }
        let scalar = (0..<n).map { i in hash.code(Array(x[(i * d)..<((i + 1) * d)])) }
        #expect(codes == scalar)
        #expect(codes[1] == (1 << bits) - 1)
    }
}
