import Testing
import Estimators
import NumericsCore
import ParticleSystems

/// The smooth kernel with only its per-pair `accumulate`: every sum runs the scalar default paths.
private struct ScalarSmoothKernel: PairInteraction {
    let kernel: BoundedSmoothKernel
    var name: String { "scalar-" + kernel.name }
    @inline(__always)
    func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int,
                    weight: Double, into out: UnsafeMutablePointer<Double>) {
        kernel.accumulate(xi, xj, dimension: dimension, weight: weight, into: out)
    }
}

@Suite("Listed (sampled) interaction sums")
struct ListedSumTests {
    @Test("smooth kernel: the vectorised listed sums are bit-identical to the per-target scalar sums (ragged lists with repeats, self-entries and empty lists; d = 1, 2, 3, 5, 64, 65)",
          arguments: [(1, 37), (2, 133), (3, 75), (5, 21), (64, 19), (65, 12)])
    func listedSumIsBitIdenticalToPerTargetSum(dimension d: Int, particles n: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let x = positionsWithCoincidentPair(particles: n, dimension: d, seed: UInt64(200 + d))
        let stream = RandomStream(seed: UInt64(300 + d), purpose: .estimatorDraws)
        let first = 3, targets = first..<n  // a block that starts off the lane grid and ends mid-group
        var sources: [Int32] = [], starts: [Int] = [], lengths: [Int] = []
        for i in targets {
            starts.append(sources.count)
            let length = i % 7 == 0 ? 0 : stream.uniformInt(below: 2 * n)
            for k in 0..<length { sources.append(k % 5 == 0 ? Int32(i) : Int32(stream.uniformInt(below: n))) }
            lengths.append(length)
        }
        sources.append(0)  // a valid base address even if every list is empty
        var vector = [Double](repeating: .nan, count: n * d), scalar = vector
        x.withUnsafeBufferPointer { px in
            vector.withUnsafeMutableBufferPointer { py in
                kernel.listedSums(targets: targets, sources: sources, starts: starts, lengths: lengths, positions: px.baseAddress!,
                                  dimension: d, weight: 0.37, into: py.baseAddress!)
            }
            scalar.withUnsafeMutableBufferPointer { py in
                listedSumsPerTarget(kernel, targets: targets, sources: sources, starts: starts, lengths: lengths,
                                    positions: px.baseAddress!, dimension: d, weight: 0.37, into: py.baseAddress!)
            }
        }
        let mismatches = zip(vector, scalar).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(n * d) coordinates differ in their bits")
        #expect(vector[(first * d)...].allSatisfy { $0.isFinite })
        #expect(vector[..<(first * d)].allSatisfy { $0.isNaN }, "rows outside the block are untouched")
    }

    @Test("random batch with replacement, Bernoulli and uniform columns: the vectorised smooth kernel gives bit for bit the draws of the scalar per-pair path (same stream)",
          arguments: [2, 3])
    func sampledEstimatorsAreBitIdenticalToScalarPath(dimension d: Int) {
        let n = 45
        let x = positionsWithCoincidentPair(particles: n, dimension: d, seed: UInt64(400 + d))
        let estimators: [any InteractionSumEstimator] = [
            RandomBatchReplacementInteractionSum(batchSize: 5), RandomBatchReplacementInteractionSum(batchSize: 60),
            BernoulliInteractionSum(keepProbability: 0.1), BernoulliInteractionSum(keepProbability: 1),
            UniformColumnInteractionSum(samples: 7), UniformColumnInteractionSum(samples: 90),
        ]
        let kernel = BoundedSmoothKernel(strength: 0.25)
        for estimator in estimators {
            func draw(_ interaction: any PairInteraction) -> [Double] {
                var y = [Double](repeating: .nan, count: n * d)
                let workspace = EstimatorWorkspace(particles: n)
                x.withUnsafeBufferPointer { px in
                    y.withUnsafeMutableBufferPointer { py in
                        for r in 0..<3 {  // reused workspace, as in the studies
                            estimator.estimate(interaction: interaction, positions: px, particles: n, dimension: d, into: py,
                                               workspace: workspace,
                                               stream: RandomStream(seed: 17, trajectory: 1, purpose: .estimatorDraws, index: UInt32(r)))
                        }
                    }
                }
                return y
            }
            let vector = draw(kernel), scalar = draw(ScalarSmoothKernel(kernel: kernel))
            let mismatches = zip(vector, scalar).filter { $0.0.bitPattern != $0.1.bitPattern }.count
            #expect(mismatches == 0, "\(estimator.name) size \(estimator.size ?? .nan): \(mismatches) of \(n * d) differ")
            #expect(vector.allSatisfy { $0.isFinite })
        }
    }
}
