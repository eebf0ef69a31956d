import CNumerics
import NumericsCore
import Testing

/// `cnumerics_weighted_rows`, the row combination behind Skeinformer's outputs, against the scalar loop.
@Suite("Weighted combination of rows")
struct WeightedRowsTests {
    @Test("Σ_b w_b·v_{r(b)} is bit-identical to the scalar loop in order (indexed and contiguous rows; d_v = 1, 7, 8, 13, 24)",
          arguments: [1, 7, 8, 13, 24])
    func weightedRowsAreBitIdenticalToScalarLoop(valueDimension dv: Int) {
        let stream = RandomStream(seed: 9_600 + UInt64(dv), purpose: .estimatorDraws)
        let n = 37, count = 29
        var v = [Double](repeating: 0, count: n * dv), w = [Double](repeating: 0, count: n)
        stream.fillGaussian(&v)
        stream.fillGaussian(&w)
        w[3] = 0
        let rows = (0..<count).map { _ in stream.uniformInt(below: n) }
        for indexed in [true, false] {
            let terms = indexed ? count : n
            var scalar = [Double](repeating: 0, count: dv)
            for b in 0..<terms {
                let r = indexed ? rows[b] : b
                for a in 0..<dv { scalar[a] += w[b] * v[r * dv + a] }
            }
            var vector = [Double](repeating: .nan, count: dv + 1)
            rows.withUnsafeBufferPointer { rp in
                cnumerics_weighted_rows(w, indexed ? rp.baseAddress : nil, terms, v, dv, &vector)
            }
            #expect(zip(vector, scalar).allSatisfy { $0.0.bitPattern == $0.1.bitPattern }, "indexed: \(indexed)")
            #expect(vector[dv].isNaN, "writes only d_v entries")
        }
    }
}
