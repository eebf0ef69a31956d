import CNumerics
import Foundation
import NumericsCore

/// The machine's limits, measured in the run that uses them.
enum MachinePeak {
    /// dgemm throughput in GFLOP/s: C = A·B with square n×n operands (2n³ flops), best of
    /// `repeats` after one warm-up, with OpenBLAS set to `threads` threads. O(n³).
    static func dgemmGFLOPs(size n: Int, threads: Int, repeats: Int) -> Double {
        let stream = RandomStream(seed: 3, purpose: .configuration)
        var a = Matrix(rows: n, columns: n), b = a
        var c = Matrix(rows: n, columns: n)
        stream.fillGaussian(&a.elements)
        stream.fillGaussian(&b.elements)
        BLAS.setThreads(threads)
        defer { BLAS.setThreads(1) }
        BLAS.gemm(a, b, into: &c)
        let best = timings(repeats: repeats) { BLAS.gemm(a, b, into: &c) }.best
        return 2 * pow(Double(n), 3) / best / 1e9
    }

    /// Evaluations per second of c/√(1 + a) (one square root and one division per element, the
    /// cost of one smooth-kernel pair) summed over `threads` concurrent workers, each on its own
    /// L1-resident array of 2048 doubles, with the widest vectors the CPU offers; best of 9 short runs. This is the
    /// limit of the exact pair drift: no pair can cost less. O(threads·2048·repeats).
    static func sqrtDivPerSecond(threads: Int, quick: Bool) -> Double {
        let length = 2048, repeats = quick ? 5_000 : 20_000
        let best = timings(repeats: 9) {
            parallelForEach(threads, threads: threads) { worker in
                var a = [Double](repeating: 0, count: length), out = a
                for i in 0..<length { a[i] = Double((i * 7 + worker) % 97) * 0.01 }
                let checksum = a.withUnsafeBufferPointer { pa in
                    out.withUnsafeMutableBufferPointer { po in
                        cnumerics_sqrt_div_throughput(pa.baseAddress, po.baseAddress, length, 0.25, repeats)
                    }
                }
                if !checksum.isFinite { a[0] = checksum }  // keeps the result observable
            }
        }.best
        return Double(threads) * Double(length) * Double(repeats) / best
    }

    /// Copy bandwidth in bytes per second (read + write counted): memcpy of a 256 MiB buffer
    /// (64 MiB under quick), best of `repeats`. The limit of memory-bound passes. O(bytes).
    static func copyBytesPerSecond(quick: Bool, repeats: Int) -> Double {
        let count = (quick ? 64 : 256) << 20 / MemoryLayout<Double>.stride
        let source = UnsafeMutablePointer<Double>.allocate(capacity: count)
        let target = UnsafeMutablePointer<Double>.allocate(capacity: count)
        defer { source.deallocate(); target.deallocate() }
        source.initialize(repeating: 1, count: count)
        target.initialize(repeating: 0, count: count)
        let best = timings(repeats: repeats) { memcpy(target, source, count * MemoryLayout<Double>.stride) }.best
        return 2 * Double(count * MemoryLayout<Double>.stride) / best
    }
}
