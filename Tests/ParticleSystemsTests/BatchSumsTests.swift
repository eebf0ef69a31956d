import Testing
import Estimators
import NumericsCore
import ParticleSystems

@Suite("Batch sums of the random batch method")
struct BatchSumsTests {
    /// The smooth kernel's several-batches-per-vector sums against the same batches summed one at a
    /// time by the per-target kernel: every bit equal, for p dividing 8 (vectorised), batch counts
    /// that leave batches over, p that does not divide 8, d above the vectorised range, and particles
    /// that coincide inside a batch (a zero separation).
    @Test("smooth kernel: batches summed 8/p per vector are bit-identical to each batch summed on its own",
          arguments: [(2, 1, 13), (2, 2, 32), (4, 2, 7), (4, 3, 16), (8, 2, 9), (8, 8, 4), (3, 2, 11), (2, 9, 8), (8, 5, 1)])
    func batchSumsAreBitIdenticalToPerBatchSums(batchSize p: Int, dimension d: Int, batches: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let n = p * batches
        var x = [Double](repeating: 0, count: n * d)
        RandomStream(seed: UInt64(300 + p * 10 + d), purpose: .initialCondition).fillGaussian(&x, scale: 1.5)
        for c in 0..<d { x[d + c] = x[c] }  // rows 0 and 1 coincide (same batch)
        let weight = 1.0 / Double(p - 1)
        var together = [Double](repeating: .nan, count: n * d), alone = together
        x.withUnsafeBufferPointer { px in
            together.withUnsafeMutableBufferPointer { py in
                kernel.batchSums(batches: batches, batchSize: p, positions: px.baseAddress!, dimension: d, weight: weight,
                                 into: py.baseAddress!)
            }
            alone.withUnsafeMutableBufferPointer { py in
                for b in 0..<batches {
                    kernel.exactSums(targets: 0..<p, count: p, positions: px.baseAddress! + b * p * d, dimension: d,
                                     weight: weight, into: py.baseAddress! + b * p * d)
                }
            }
        }
        let mismatches = zip(together, alone).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(n * d) coordinates differ in their bits")
        #expect(together.allSatisfy { $0.isFinite })
    }
}
