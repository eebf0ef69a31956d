import Estimators
import NumericsCore

/// Section `exact-attention`: exact softmax attention (Float64, random tokens and maps, β = 1/√d)
/// at N = 4096, d = 64 — and N = 16 384 unless quick — on 1 and 2 threads, in GFLOP/s of its
/// 4·N²·d flops, as a fraction of the dgemm peak (2048³ product) measured on the same thread count
/// immediately before and after it (interleaved; the larger of the two, and the best of the
/// attention's repeats: the least-disturbed runs, since a busy machine lowers either);
/// plus the evaluation's own error against a compensated evaluation of 16 rows.
enum ExactAttentionSection {
    static func run(_ scale: BenchScale) -> [BenchFigure] {
        var figures: [BenchFigure] = []
        let d = 64
        for n in scale.pick(full: [4096, 16_384], quick: [4096]) {
            let inputs = randomAttentionInputs(tokens: n, dimension: d, seed: 32)
            var out = Matrix(rows: n, columns: d)
            for threads in benchThreadCounts {
                var peak = MachinePeak.dgemmGFLOPs(size: 2048, threads: threads, repeats: scale.repeats(5))
                let exact = ExactAttention(threads: threads)
                let stream = RandomStream(seed: 32, purpose: .estimatorDraws)
                exact.estimate(inputs, into: &out, stream: stream)
                let t = timings(repeats: scale.pick(full: n > 4096 ? 3 : 7, quick: 5)) { exact.estimate(inputs, into: &out, stream: stream) }.best
                peak = max(peak, MachinePeak.dgemmGFLOPs(size: 2048, threads: threads, repeats: scale.repeats(5)))
                let rate = exactAttentionFlops(tokens: n, dimension: d) / t / 1e9
                let suffix = n == 4096 ? "threads\(threads)" : "n\(n).threads\(threads)"
                figures.append(BenchFigure("dgemmPeak.\(suffix)", peak, "GFLOP/s"))
                figures.append(BenchFigure("seconds.\(suffix)", t, "s"))
                figures.append(BenchFigure("gflops.\(suffix)", rate, "GFLOP/s"))
                figures.append(BenchFigure("fractionOfDgemmPeak.\(suffix)", rate / peak, "fraction"))
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
