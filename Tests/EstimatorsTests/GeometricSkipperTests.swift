import Foundation
import Estimators
import NumericsCore
import Testing

/// GeometricSkipper evaluates ⌊log U / log(1−π)⌋ with a product in place of the quotient where
/// that cannot change the floor: its gaps must be the plain formula's, bit for bit, and
/// Geometric(π) distributed.
@Suite("Geometric skipping")
struct GeometricSkipperTests {
    static let keepProbabilities: [Double] = [1e-6, 0.007874, 0.02362, 0.1181, 0.25, 0.4961, 0.5, 0.9, 0.999_999]

    @Test("gaps equal ⌊log U / log(1−π)⌋ capped at Int32.max, draw for draw", arguments: keepProbabilities)
    func gapsEqualQuotientFormula(keepProbability pi: Double) {
        for seed: UInt64 in 0..<4 {
            let key = StreamKey(seed: seed, trajectory: 3, purpose: .estimatorDraws)
            let stream = RandomStream(key), twin = RandomStream(key)
            var skipper = GeometricSkipper(keepProbability: pi)
            let c = log1p(-pi)
            for k in 0..<20_000 {
                let gap = (log(twin.uniform()) / c).rounded(.down)
                let expected = gap < Double(Int32.max) ? Int(gap) : Int(Int32.max)
                let drawn = skipper.next(stream)
                if drawn != expected {
                    Issue.record("π = \(pi), seed \(seed), gap \(k): \(drawn) ≠ \(expected)")
                    return
                }
            }
        }
    }

    @Test("gaps are Geometric(π): P(G = 0) = π and E[G] = (1−π)/π within 4 standard errors",
          arguments: [0.007874, 0.1181, 0.4961, 0.9])
    func gapsAreGeometric(keepProbability pi: Double) {
        let stream = RandomStream(seed: 91, purpose: .estimatorDraws)
        var skipper = GeometricSkipper(keepProbability: pi)
        let count = 100_000
        var zeros = 0
        var moments = RunningMoments()
        for _ in 0..<count {
            let gap = skipper.next(stream)
            if gap == 0 { zeros += 1 }
            moments.add(Double(gap))
        }
        let zeroFraction = Double(zeros) / Double(count)
        #expect(abs(zeroFraction - pi) < 4 * (pi * (1 - pi) / Double(count)).squareRoot(), "P(G = 0) = \(zeroFraction)")
        // Var G = (1−π)/π²
        let meanSE = ((1 - pi) / (pi * pi) / Double(count)).squareRoot()
        #expect(abs(moments.mean - (1 - pi) / pi) < 4 * meanSE, "E[G] = \(moments.mean) ± \(meanSE)")
    }
}
