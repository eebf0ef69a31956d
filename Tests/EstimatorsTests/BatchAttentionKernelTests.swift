import CNumerics
import NumericsCore
import Testing

/// `cnumerics_batch_attention` (Random Batch Attention's fused batch kernel) gives the same bits
/// whatever instruction set runs it: the clone the loader picked (AVX-512 or AVX2, fused multiply-add
/// instructions) against the same kernel compiled for baseline x86-64 (libm's correctly rounded fma()).
@Suite("Random Batch Attention batch kernel")
struct BatchAttentionKernelTests {
    typealias BatchKernel = (UnsafePointer<Double>?, UnsafePointer<Double>?, UnsafePointer<Double>?, Int, Int,
                             UnsafePointer<Int32>?, Int, Int, Double, Double, Int32, Int, UnsafeMutablePointer<Double>?,
                             UnsafeMutablePointer<Double>?) -> Void

    /// N = 120 tokens in 5 batches of 24 (and 8 of 15 with reweighting), d_k = 7, d_v = d.
    private func outputs(_ kernel: BatchKernel, dimension d: Int, size: Int, meanField: Bool) -> [Double] {
        let n = 120, dk = 7
        var q = [Double](repeating: 0, count: n * dk), k = q, v = [Double](repeating: 0, count: n * d)
        let stream = RandomStream(seed: 900 + UInt64(d), purpose: .configuration)
        stream.fillGaussian(&q, scale: 1.2)
        stream.fillGaussian(&k, scale: 1.2)
        stream.fillGaussian(&v)
        var permutation = (0..<Int32(n)).map { $0 }
        stream.shuffle(&permutation)
        let lanes = (size + 7) / 8 * 8
        var scratch = [Double](repeating: 0, count: lanes * (dk + 4) + size * d + 8)
        var out = [Double](repeating: .nan, count: n * d)
        kernel(q, k, v, dk, d, permutation, n / size, size, 0.8, meanField ? Double(n - 1) / Double(size - 1) : 1,
               meanField ? 1 : 0, n, &scratch, &out)
        return out
    }

    @Test("the batch kernel is bit-identical in the loaded clone and the baseline build (d_v = 3, 8, 20, 33; s = 15, 24)",
          arguments: [3, 8, 20, 33])
    func batchKernelIsBitIdenticalAcrossInstructionSets(dimension d: Int) {
        for (size, meanField) in [(24, false), (15, true)] {
            let loaded = outputs(cnumerics_batch_attention, dimension: d, size: size, meanField: meanField)
            let baseline = outputs(cnumerics_batch_attention_baseline, dimension: d, size: size, meanField: meanField)
            let mismatches = zip(loaded, baseline).filter { $0.0.bitPattern != $0.1.bitPattern }.count
            #expect(mismatches == 0, "s = \(size): \(mismatches) of \(loaded.count) outputs differ in their bits")
            #expect(loaded.allSatisfy { $0.isFinite }, "s = \(size): every token's row is written")
        }
    }
}
