import Foundation
import NumericsCore
import Testing

/// W₂ between empirical measures: exact in one dimension, sliced over keyed orthonormal frames in more.
@Suite("Sliced Wasserstein-2")
struct SlicedWassersteinTests {
    static func sample(_ count: Int, dimension d: Int, seed: UInt64) -> [Double] {
        let stream = RandomStream(seed: seed, purpose: .configuration)
        return (0..<(count * d)).map { _ in stream.gaussian() }
    }

    @Test("the sliced W2 of identical samples is 0, in one and in several dimensions")
    func identicalSamplesAreAtZero() {
        for d in [1, 3] {
            let x = Self.sample(200, dimension: d, seed: 1)
            let sliced = SlicedWasserstein(dimension: d, frames: 4, stream: RandomStream(seed: 2, purpose: .projections))
            #expect(sliced.squaredDistance(x, x) == 0)
            // The same points in another order are the same empirical measure.
            var permuted: [Double] = []
            for i in (0..<200).reversed() { permuted += x[(i * d)..<((i + 1) * d)] }
            #expect(sliced.squaredDistance(x, permuted) < 1e-24)
        }
    }

    @Test("the sliced W2 of a sample and its translate by v equals ‖v‖ exactly (orthonormal frames)")
    func shiftedSamplesAreAtTheShift() {
        for (d, shift) in [(1, [0.7]), (2, [0.3, -0.4]), (4, [1.0, 2.0, -0.5, 0.25])] {
            let x = Self.sample(150, dimension: d, seed: 3)
            var y = x
            for i in 0..<150 { for c in 0..<d { y[i * d + c] += shift[c] } }
            let norm = shift.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for frames in [1, 5] {
                let sliced = SlicedWasserstein(dimension: d, frames: frames, stream: RandomStream(seed: 4, purpose: .projections))
                #expect(abs(sliced.squaredDistance(x, y).squareRoot() - norm) < 1e-12 * max(1, norm))
            }
        }
    }

    @Test("one-dimensional W2 of unequal sizes is the integral of the squared quantile difference")
    func unequalSizesMatchTheQuantileIntegral() {
        // F⁻¹ of {0, 1} against {0, ½, 1}: they differ by ½ on [1/3, 2/3): W₂² = (1/3)·(1/4) = 1/12.
        #expect(abs(SlicedWasserstein.squaredDistance1D([1, 0], [0.5, 1, 0]) - 1.0 / 12) < 1e-15)
        // Equal sizes: the sorted pairing.
        #expect(abs(SlicedWasserstein.squaredDistance1D([3, 1, 2], [0, 2, 4]) - (1 + 0 + 1) / 3.0) < 1e-15)
        // Symmetric in its arguments.
        let a = Self.sample(37, dimension: 1, seed: 5), b = Self.sample(53, dimension: 1, seed: 6)
        #expect(abs(SlicedWasserstein.squaredDistance1D(a, b) - SlicedWasserstein.squaredDistance1D(b, a)) < 1e-13)
    }

    @Test("the frames are orthonormal and a function of their stream's key")
    func framesAreOrthonormalAndKeyed() {
        let d = 5
        let one = SlicedWasserstein(dimension: d, frames: 3, stream: RandomStream(seed: 7, purpose: .projections))
        let two = SlicedWasserstein(dimension: d, frames: 3, stream: RandomStream(seed: 7, purpose: .projections))
        let other = SlicedWasserstein(dimension: d, frames: 3, stream: RandomStream(seed: 8, purpose: .projections))
        #expect(one.directions == two.directions)
        #expect(one.directions != other.directions)
        #expect(one.directionCount == 15)
        for f in 0..<3 {
            for i in 0..<d {
                for j in 0..<d {
                    let u = one.directions[((f * d + i) * d)..<((f * d + i + 1) * d)]
                    let v = one.directions[((f * d + j) * d)..<((f * d + j + 1) * d)]
                    let dot = zip(u, v).reduce(0) { $0 + $1.0 * $1.1 }
                    #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
                }
            }
        }
    }

    @Test("the empirical W2 of independent samples of one law has a positive floor that shrinks with the sample size")
    func independentSamplesHaveAShrinkingFloor() {
        func floor(_ n: Int) -> Double {
            (0..<20).map { r in
                SlicedWasserstein.squaredDistance1D(Self.sample(n, dimension: 1, seed: 100 + UInt64(r)),
                                                    Self.sample(n, dimension: 1, seed: 200 + UInt64(r)))
            }.reduce(0, +) / 20
        }
        let small = floor(100), large = floor(1_600)
        #expect(small > 0 && large > 0)
        #expect(large < small / 4)  // ≈ 1/n up to log factors for Gaussian tails
    }
}
