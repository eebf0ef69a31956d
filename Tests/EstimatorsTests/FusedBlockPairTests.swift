import CNumerics
import NumericsCore
import Testing

/// `cnumerics_smooth_block_pair_fused` gives the same bits whatever instruction set runs it: the clone
/// the loader picked (AVX-512 or AVX2 with fused multiply-add instructions), the same kernel compiled
/// for x86-64-v3 only (AVX2, when the CPU has it: on an AVX-512 CPU the loader never runs that clone),
/// and compiled for baseline x86-64 (libm's correctly rounded fma()); and whatever the column stride.
@Suite("Fused Newton's-third-law block pairs")
struct FusedBlockPairTests {
    /// Sums of n particles in column layout (columns `stride` doubles apart, stride ≥ n rounded up to
    /// a multiple of 8) cut into the blocks [0, 40) and [40, padded): each block with itself, then the
    /// pair, as ExactInteractionSum schedules them.
    private func blockPairSums(_ function: AntisymmetricKernelFunction, _ x: [Double], particles n: Int, dimension d: Int,
                               stride: Int? = nil) -> [Double] {
        let padded = (n + 7) / 8 * 8, stride = stride ?? padded, split = 40
        var xs = [Double](repeating: 0, count: d * stride), ys = xs
        for i in 0..<n { for c in 0..<d { xs[c * stride + i] = x[i * d + c] } }
        let weightStrength = 0.25 / Double(n - 1)
        function(xs, &ys, stride, n, d, 0, split, 0, split, weightStrength)
        function(xs, &ys, stride, n, d, split, padded, split, padded, weightStrength)
        function(xs, &ys, stride, n, d, 0, split, split, padded, weightStrength)
        var rows = [Double](repeating: 0, count: n * d)
        for i in 0..<n { for c in 0..<d { rows[i * d + c] = ys[c * stride + i] } }
        return rows
    }

    typealias AntisymmetricKernelFunction = (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int, Int, Int, Int,
                                             Int, Int, Int, Double) -> Void

    private func positions(particles n: Int, dimension d: Int) -> [Double] {
        var x = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 400 + UInt64(d), purpose: .initialCondition).fillGaussian(&x, scale: 1.5)
        for c in 0..<d { x[(n - 1) * d + c] = x[c] }  // a coincident pair
        return x
    }

    private func mismatches(_ a: [Double], _ b: [Double]) -> Int {
        zip(a, b).filter { $0.0.bitPattern != $0.1.bitPattern }.count
    }

    @Test("the fused kernel is bit-identical in the loaded clone, the x86-64-v3 (AVX2) build and the baseline build (d = 1, 9, 16, 33; N = 75, partial groups)",
          arguments: [1, 9, 16, 33])
    func fusedKernelIsBitIdenticalAcrossInstructionSets(dimension d: Int) {
        let n = 75
        let x = positions(particles: n, dimension: d)
        let loaded = blockPairSums(cnumerics_smooth_block_pair_fused, x, particles: n, dimension: d)
        let baseline = blockPairSums(cnumerics_smooth_block_pair_fused_baseline, x, particles: n, dimension: d)
        #expect(mismatches(loaded, baseline) == 0, "\(mismatches(loaded, baseline)) of \(loaded.count) coordinates differ in their bits")
        var avx2Ran = true
        let avx2 = blockPairSums({ xs, ys, stride, n, d, aFirst, aEnd, bFirst, bEnd, w in
            if cnumerics_smooth_block_pair_fused_avx2(xs, ys, stride, n, d, aFirst, aEnd, bFirst, bEnd, w) == 0 { avx2Ran = false }
        }, x, particles: n, dimension: d)
        if avx2Ran {
            #expect(mismatches(loaded, avx2) == 0, "AVX2 build: \(mismatches(loaded, avx2)) of \(loaded.count) coordinates differ in their bits")
        }
        #expect(loaded.allSatisfy { $0.isFinite })
        #expect(loaded.contains { $0 != 0 })
    }

    /// The skewed stride of ExactInteractionSum is layout only: the kernel's order is fixed by the
    /// block bounds and N, never by where the columns lie.
    @Test("the fused kernel's sums do not depend on the column stride (N = 75, 600; d = 9, 17; stride padded, +8, skewed)",
          arguments: [(9, 75), (17, 75), (9, 600)])
    func fusedKernelIsIndependentOfColumnStride(dimension d: Int, particles n: Int) {
        let x = positions(particles: n, dimension: d)
        let padded = (n + 7) / 8 * 8
        let tight = blockPairSums(cnumerics_smooth_block_pair_fused, x, particles: n, dimension: d, stride: padded)
        for stride in [padded + 8, padded + 512 + 8] {
            let spread = blockPairSums(cnumerics_smooth_block_pair_fused, x, particles: n, dimension: d, stride: stride)
            #expect(mismatches(tight, spread) == 0, "stride \(stride): \(mismatches(tight, spread)) coordinates differ in their bits")
        }
        #expect(tight.contains { $0 != 0 })
    }
}
