import Testing
import Estimators
import NumericsCore
import ParticleSystems

@Suite("Exact interaction sum")
struct ExactInteractionSumTests {
    /// Positions of n particles in ℝᵈ, N(0, 1) with a few exact duplicates (zero separations).
    private func positions(particles n: Int, dimension d: Int, seed: UInt64) -> [Double] {
        var x = [Double](repeating: 0, count: n * d)
        RandomStream(seed: seed, purpose: .initialCondition).fillGaussian(&x, scale: 1.5)
        for c in 0..<d { x[(n - 1) * d + c] = x[c] }  // particle n − 1 sits on particle 0
        return x
    }

    private func exactSum(_ interaction: any PairInteraction, _ x: [Double], particles n: Int, dimension d: Int,
                          threads: Int) -> [Double] {
        var y = [Double](repeating: .nan, count: n * d)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                ExactInteractionSum(threads: threads).estimate(interaction: interaction, positions: px, particles: n, dimension: d,
                                                              into: py, workspace: EstimatorWorkspace(particles: n),
                                                              stream: RandomStream(seed: 0, purpose: .estimatorDraws))
            }
        }
        return y
    }

    /// yᵢ by the per-pair scalar path: `accumulate` over j = 0, 1, … (j ≠ i) into a zeroed row.
    private func perPairSum<K: PairInteraction>(_ interaction: K, _ x: [Double], particles n: Int, dimension d: Int) -> [Double] {
        var y = [Double](repeating: 0, count: n * d)
        let weight = 1.0 / Double(n - 1)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                for i in 0..<n {
                    for j in 0..<n where j != i {
                        interaction.accumulate(px.baseAddress! + i * d, px.baseAddress! + j * d, dimension: d, weight: weight,
                                               into: py.baseAddress! + i * d)
                    }
                }
            }
        }
        return y
    }

    @Test("smooth kernel: the vectorised exact sum is bit-identical to the per-pair scalar sum (d = 1, 2, 3, 16, 64, 65; N not a multiple of 8)",
          arguments: [(1, 37), (2, 133), (3, 75), (16, 70), (64, 19), (65, 12)])
    func vectorSumIsBitIdenticalToPerPairSum(dimension d: Int, particles n: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let x = positions(particles: n, dimension: d, seed: UInt64(100 + d))
        let vector = exactSum(kernel, x, particles: n, dimension: d, threads: 1)
        let scalar = perPairSum(kernel, x, particles: n, dimension: d)
        let mismatches = zip(vector, scalar).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(n * d) coordinates differ in their bits")
        #expect(vector.allSatisfy { $0.isFinite })
    }

    @Test("exact sum is bit-identical for 1, 2 and 3 threads (smooth, d = 3, N = 517 spans several blocks)")
    func exactSumIsBitIdenticalAcrossThreadCounts() {
        let n = 517, d = 3
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let x = positions(particles: n, dimension: d, seed: 7)
        let one = exactSum(kernel, x, particles: n, dimension: d, threads: 1)
        for threads in [2, 3] {
            let many = exactSum(kernel, x, particles: n, dimension: d, threads: threads)
            #expect(zip(one, many).allSatisfy { $0.0.bitPattern == $0.1.bitPattern }, "threads = \(threads)")
        }
    }
}
