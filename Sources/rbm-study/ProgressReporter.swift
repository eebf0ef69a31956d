import Foundation

/// Progress with an ETA on stderr, at most a few times a second, and only once a run has
/// lasted a couple of seconds (short runs stay quiet).
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let start = Date()
    private var lastPrint = Date.distantPast
    private var printed = false
    private let lock = NSLock()
    private let interactive = isatty(STDERR_FILENO) != 0

    /// `unit` names what `done` and `total` count ("trajectories", "tasks", "seeds").
    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
    }

    func update(done: Int, total: Int) {
        lock.lock(); defer { lock.unlock() }
        let now = Date(), elapsed = now.timeIntervalSince(start)
        guard elapsed > 2, now.timeIntervalSince(lastPrint) > (interactive ? 0.25 : 5) || done == total else { return }
        lastPrint = now
        let eta = elapsed / Double(done) * Double(total - done)
        let line = String(format: "%@: %d/%d %@, %.0f s elapsed, ETA %.0f s", label, done, total, unit, elapsed, eta)
        writeStandardError((interactive ? "\r" : "") + line + (interactive ? "" : "\n"))
        printed = true
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if printed && interactive { writeStandardError("\n") }
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
