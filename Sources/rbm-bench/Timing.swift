import Foundation
import NumericsCore

/// Wall-clock seconds of `body` (monotonic clock).
func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Median and minimum over `repeats` wall-clock timings of `body`.
func timings(repeats: Int, _ body: () -> Void) -> (median: Double, best: Double) {
    let times = (0..<max(1, repeats)).map { _ in seconds(body) }.sorted()
    return (times[times.count / 2], times[0])
}

/// User + system CPU seconds of this process so far (getrusage).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return s(usage.ru_utime) + s(usage.ru_stime)
}

/// The thread counts every section measures: 1, 2 and, on larger machines, all cores.
var benchThreadCounts: [Int] { Array(Set([1, 2, availableCores])).sorted() }

/// Least-squares slope of log t on log n (the scaling exponent of t ∝ n^slope); NaN if unfit.
func scalingExponent(_ n: [Double], _ t: [Double]) -> Double {
    let x = n.map { log($0) }, y = t.map { log($0) }
    let mx = x.reduce(0, +) / Double(x.count), my = y.reduce(0, +) / Double(y.count)
    var sxy = 0.0, sxx = 0.0
    for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
    return x.count >= 2 && sxx > 0 ? sxy / sxx : .nan
}
