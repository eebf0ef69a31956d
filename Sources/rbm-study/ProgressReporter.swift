import Foundation
import Synchronization

/// Progress with an ETA on stderr, at most a few times a second, and only once a run has
/// lasted a couple of seconds (short runs stay quiet).
final class ProgressReporter: Sendable {
    private let label: String
    private let unit: String
    private let start = Date()
    /// When the last line was printed, and whether any was.
    private let printing = Mutex((lastPrint: Date.distantPast, printed: false))
    private let interactive = isatty(STDERR_FILENO) != 0

    /// `unit` names what `done` and `total` count ("trajectories", "tasks", "seeds").
    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
    }

    func update(done: Int, total: Int) {
        printing.withLock { printing in
            let now = Date(), elapsed = now.timeIntervalSince(start)
            guard elapsed > 2, now.timeIntervalSince(printing.lastPrint) > (interactive ? 0.25 : 5) || done == total else { return }
            printing.lastPrint = now
            let eta = elapsed / Double(done) * Double(total - done)
            let line = String(format: "%@: %d/%d %@, %.0f s elapsed, ETA %.0f s", label, done, total, unit, elapsed, eta)
            writeStandardError((interactive ? "\r" : "") + line + (interactive ? "" : "\n"))
            printing.printed = true
        }
    }

    func finish() {
        printing.withLock { if $0.printed && interactive { writeStandardError("\n") } }
    }
}

extension ProgressReporter {
    /// Runs `study` with a progress reporter labelled `label` (passed as the study's progress
    /// callback) and finishes the progress line once the study returns.
    static func run<Result>(label: String, unit: String = "trajectories", _ study: (@escaping @Sendable (Int, Int) -> Void) throws -> Result) rethrows -> Result {
        let progress = ProgressReporter(label: label, unit: unit)
        let result = try study { progress.update(done: $0, total: $1) }
        progress.finish()
        return result
    }
}
