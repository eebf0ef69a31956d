import Testing
import Estimators
import NumericsCore
import ParticleSystems

@Suite("Random batch on gathered rows")
struct RandomBatchGatherTests {
    @Test("RBM-1 sums on gathered contiguous rows are bit-identical to per-pair sums over the same permutation",
          arguments: [(2, 4, 1003), (3, 5, 998), (16, 4, 257), (1, 2, 101)])
    func gatheredSumsAreBitIdenticalToPerPairSums(dimension d: Int, batchSize p: Int, particles n: Int) {
        let problem = ReferenceProblem.smooth.make(particles: n, dimension: d, noise: nil)
        var x = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 31, purpose: .initialCondition).fillGaussian(&x)
        let estimator = RandomBatchInteractionSum(batchSize: p)
        var y = [Double](repeating: .nan, count: n * d)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                estimator.estimate(interaction: problem.interaction, positions: px, particles: n, dimension: d, into: py,
                                   workspace: EstimatorWorkspace(particles: n), stream: RandomStream(seed: 32, purpose: .batchPartition))
            }
        }
        // The same permutation, then `accumulate` over each batch in batch order, row by row.
        var permutation = (0..<Int32(n)).map { $0 }
        RandomStream(seed: 32, purpose: .batchPartition).shuffle(&permutation)
        var expected = [Double](repeating: 0, count: n * d)
        let kernel = BoundedSmoothKernel(strength: 0.25)
        x.withUnsafeBufferPointer { px in
            expected.withUnsafeMutableBufferPointer { pe in
                var start = 0
                for length in estimator.partition(particles: n).sizes {
                    let members = permutation[start..<(start + length)], weight = 1.0 / Double(length - 1)
                    for i in members {
                        for j in members where j != i {
                            kernel.accumulate(px.baseAddress! + Int(i) * d, px.baseAddress! + Int(j) * d, dimension: d,
                                              weight: weight, into: pe.baseAddress! + Int(i) * d)
                        }
                    }
                    start += length
                }
            }
        }
        let mismatches = zip(y, expected).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(n * d) coordinates differ in their bits")
    }
}
