import Foundation

/// A run's wall time estimated up front from the work its configuration implies, printed once on
/// stderr before a run expected to last more than ``threshold`` seconds, so that a mistyped option
/// shows before the wait (runs are never refused for time). The unit of work is a pair
/// interaction in dimension d, costing d + 4 units (attention's, with its exponentials, 2.5 times
/// that); ``unitsPerSecond`` per thread was measured on this machine class (2 shared x86-64 cores,
/// release build): 1.2–1.4·10⁹ for the smooth system at N = 512 and 1024, d = 2 and 8. The
/// estimate is rough (a factor of about 2 either way: overheads, other load).
struct TimeEstimate {
    static let unitsPerSecond = 1.2e9
    static let threshold = 10.0

    let seconds: Double
    let threads: Int
    let what: String

    /// `pairs` pair interactions in dimension `dimension` spread over `threads` threads (at most
    /// `parallelUnits`, the independent units of work: trajectories, seeds), at `unitsPerSecond`
    /// per thread (a study with more overhead per pair interaction measures its own).
    init(pairs: Double, dimension: Int, attention: Bool, threads: Int, parallelUnits: Int,
         unitsPerSecond: Double = Self.unitsPerSecond, what: String) {
        let units = pairs * Double(dimension + 4) * (attention ? 2.5 : 1)
        let threads = max(1, min(threads, parallelUnits))
        self.init(seconds: units / unitsPerSecond / Double(threads), threads: threads, what: what)
    }

    init(seconds: Double, threads: Int, what: String) {
        self.seconds = seconds
        self.threads = threads
        self.what = what
    }

    /// Prints "estimated 3 min on 2 threads (…)" on stderr when the run is expected to be long.
    func announce() {
        guard seconds > Self.threshold else { return }
        writeStandardError("estimated \(formatDuration(seconds)) on \(threads) thread\(threads == 1 ? "" : "s") (\(what)); a rough figure\n")
    }
}

/// 40 s, 3 min, 2.5 h, 4 days.
func formatDuration(_ seconds: Double) -> String {
    switch seconds {
    case ..<90: return String(format: "%.0f s", seconds)
    case ..<5400: return String(format: "%.0f min", seconds / 60)
    case ..<172_800: return String(format: "%.1f h", seconds / 3600)
    default: return String(format: "%.0f days", seconds / 86400)
    }
}
