import NumericsCore

/// Section `peak`: the machine limits every other section divides by.
///
/// - dgemm GFLOP/s (2n³ flops per n×n product, n = 2048; 1024 under quick) on 1, 2 and all threads;
/// - c/√(1 + a) evaluations per second, the pair-drift limit (one sqrt and one divide per pair);
/// - memcpy bandwidth (bytes read + written per second).
/// Ratios: each multi-thread figure over (threads × the one-thread figure), the parallel efficiency.
enum PeakSection {
    static func run(_ scale: BenchScale) -> [BenchFigure] {
        var figures: [BenchFigure] = []
        let size = scale.pick(full: 2048, quick: 1024)
        var dgemm: [Int: Double] = [:], sqrtDiv: [Int: Double] = [:]
        for threads in benchThreadCounts {
            dgemm[threads] = MachinePeak.dgemmGFLOPs(size: size, threads: threads, repeats: scale.repeats(5))
            figures.append(BenchFigure("dgemmGFLOPs.threads\(threads)", dgemm[threads]!, "GFLOP/s"))
        }
        for threads in benchThreadCounts {
            sqrtDiv[threads] = MachinePeak.sqrtDivPerSecond(threads: threads, quick: scale.quick)
            figures.append(BenchFigure("pairDriftLimit.threads\(threads)", sqrtDiv[threads]!, "c/√(1+a) per second"))
        }
        for threads in benchThreadCounts where threads > 1 {
            figures.append(BenchFigure("dgemmParallelEfficiency.threads\(threads)", dgemm[threads]! / (Double(threads) * dgemm[1]!), "fraction"))
            figures.append(BenchFigure("pairDriftLimitParallelEfficiency.threads\(threads)", sqrtDiv[threads]! / (Double(threads) * sqrtDiv[1]!), "fraction"))
        }
        figures.append(BenchFigure("copyBandwidth", MachinePeak.copyBytesPerSecond(quick: scale.quick, repeats: scale.repeats(5)) / 1e9, "GB/s"))
        return figures
    }
}
