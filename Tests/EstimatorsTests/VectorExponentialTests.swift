import CNumerics
import Foundation
import Testing
import Estimators
import NumericsCore

@Suite("Tiled online softmax")
struct VectorExponentialTests {
    /// |a − b| in units in the last place of b.
    private func ulps(_ a: Double, _ b: Double) -> Double { abs(a - b) / b.ulp }

    @Test("the vectorised e^x is within 1 ulp of libm's exp on [−708, 0] and exactly 1 at 0, 0 below −708")
    func vectorExponentialIsWithinOneUlp() {
        let count = 200_003
        var x = (0..<count).map { -708 * Double($0) / Double(count - 1) }
        x += [0, -0.0, -1e-300, -0.34657359027997264, -0.3465735902799727, -1e-9, -745, -1e4, -.infinity]
        var e = [Double](repeating: .nan, count: x.count)
        cnumerics_exp_nonpositive(x, &e, x.count)
        var worst = 0.0
        for (xi, ei) in zip(x, e) where xi >= -708 { worst = max(worst, ulps(ei, exp(xi))) }
        #expect(worst <= 1, "worst error \(worst) ulp")
        #expect(worst > 0, "a zero error everywhere would mean the test compares exp with itself")
        #expect(e[count] == 1 && e[count + 1] == 1)
        #expect(e.suffix(3).allSatisfy { $0 == 0 })
    }

    @Test("exact attention: tiled online softmax within 4·ε·log₂N relative of the compensated evaluation (N = 4099, d = 32)",
          arguments: AttentionNormalization.allCases)
    func onlineSoftmaxIsWithinUlpScaledBound(normalization: AttentionNormalization) {
        let n = 4099, d = 32
        let stream = RandomStream(seed: 11, purpose: .configuration)
        var q = Matrix(rows: n, columns: d), k = q, v = q
        stream.fillGaussian(&q.elements, scale: 1 / Double(d).squareRoot())
        stream.fillGaussian(&k.elements, scale: 1)
        stream.fillGaussian(&v.elements)
        let inputs = AttentionInputs(queries: q, keys: k, values: v, beta: 1, normalization: normalization)
        let exact = ExactAttention(threads: 2)
        let error = exact.referenceError(inputs, output: exact.evaluate(inputs), sampleRows: 24,
                                         stream: RandomStream(seed: 11, purpose: .estimatorDraws))
        let bound = 4 * Double.ulpOfOne * log2(Double(n))
        #expect(error <= bound, "relative row error \(error), bound \(bound)")
        #expect(error > 0)
    }
}
