import CNumerics
import NumericsCore
import Testing

/// `cnumerics_smooth_block_pair_fused` gives the same bits whatever instruction set runs it: the clone
/// the loader picked (AVX-512 or AVX2 with fused multiply-add instructions) against the same kernel
/// compiled for baseline x86-64 (libm's correctly rounded fma()).
@Suite("Fused Newton's-third-law block pairs")
struct FusedBlockPairTests {
    /// Sums of n particles in column layout cut into the blocks [0, 40) and [40, stride): each block
    /// with itself, then the pair, as ExactInteractionSum schedules them.
    private func blockPairSums(_ function: AntisymmetricKernelFunction, _ x: [Double], particles n: Int, dimension d: Int)
        -> [Double] {
        let stride = (n + 7) / 8 * 8, split = 40
        var xs = [Double](repeating: 0, count: d * stride), ys = xs
        for i in 0..<n { for c in 0..<d { xs[c * stride + i] = x[i * d + c] } }
        let weightStrength = 0.25 / Double(n - 1)
        function(xs, &ys, stride, n, d, 0, split, 0, split, weightStrength)
        function(xs, &ys, stride, n, d, split, stride, split, stride, weightStrength)
        function(xs, &ys, stride, n, d, 0, split, split, stride, weightStrength)
        return ys
    }

    typealias AntisymmetricKernelFunction = (UnsafePointer<Double>?, UnsafeMutablePointer<Double>?, Int, Int, Int, Int,
                                             Int, Int, Int, Double) -> Void

    @Test("the fused kernel is bit-identical in the loaded clone and the baseline build (d = 1, 9, 16, 33; N = 75, partial groups)",
          arguments: [1, 9, 16, 33])
    func fusedKernelIsBitIdenticalAcrossInstructionSets(dimension d: Int) {
        let n = 75
        var x = [Double](repeating: 0, count: n * d)
        RandomStream(seed: 400 + UInt64(d), purpose: .initialCondition).fillGaussian(&x, scale: 1.5)
        for c in 0..<d { x[(n - 1) * d + c] = x[c] }  // a coincident pair
        let loaded = blockPairSums(cnumerics_smooth_block_pair_fused, x, particles: n, dimension: d)
        let baseline = blockPairSums(cnumerics_smooth_block_pair_fused_baseline, x, particles: n, dimension: d)
        let mismatches = zip(loaded, baseline).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(loaded.count) coordinates differ in their bits")
        #expect(loaded.allSatisfy { $0.isFinite })
        #expect(loaded.contains { $0 != 0 })
    }
}
