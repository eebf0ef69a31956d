import Estimators
import NumericsCore

/// Section `exact-attention`: exact softmax attention (Float64, random tokens and maps, β = 1/√d)
/// at N = 4096, d = 64 — and N = 16 384 unless quick — on 1 and 2 threads, in GFLOP/s of its
/// 4·N²·d flops, as a fraction of the dgemm peak (2048³ product) measured in the same run on the
/// same thread count; plus the evaluation's own error against a compensated evaluation of 16 rows.
enum ExactAttentionSection {
    static func run(_ scale: BenchScale) -> [BenchFigure] {
        var figures: [BenchFigure] = []
        var peak: [Int: Double] = [:]
        for threads in benchThreadCounts {
            peak[threads] = MachinePeak.dgemmGFLOPs(size: 2048, threads: threads, repeats: scale.repeats(5))
            figures.append(BenchFigure("dgemmPeak.threads\(threads)", peak[threads]!, "GFLOP/s"))
        }
        let d = 64
        for n in scale.pick(full: [4096, 16_384], quick: [4096]) {
            let inputs = randomAttentionInputs(tokens: n, dimension: d, seed: 32)
            var out = Matrix(rows: n, columns: d)
            for threads in benchThreadCounts {
                let exact = ExactAttention(threads: threads)
                let stream = RandomStream(seed: 32, purpose: .estimatorDraws)
                exact.estimate(inputs, into: &out, stream: stream)
                let t = timings(repeats: scale.repeats(n > 4096 ? 3 : 5)) { exact.estimate(inputs, into: &out, stream: stream) }.median
                let rate = exactAttentionFlops(tokens: n, dimension: d) / t / 1e9
                let suffix = n == 4096 ? "threads\(threads)" : "n\(n).threads\(threads)"
                figures.append(BenchFigure("seconds.\(suffix)", t, "s"))
                figures.append(BenchFigure("gflops.\(suffix)", rate, "GFLOP/s"))
                figures.append(BenchFigure("fractionOfDgemmPeak.\(suffix)", rate / peak[threads]!, "fraction"))
            }
            if n == 4096 {
                let error = ExactAttention().referenceError(inputs, output: out, sampleRows: 16,
                                                           stream: RandomStream(seed: 32, purpose: .bootstrap))
                figures.append(BenchFigure("referenceError", error, "max relative row error (16 rows)"))
            }
        }
        return figures
    }
}
