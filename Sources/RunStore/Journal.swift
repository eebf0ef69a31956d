import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The journal of a run in its output directory: a header line (the format version and the full
/// configuration, one JSON object) followed by one line per completed unit of work (one JSON
/// record per trajectory, say), each appended with a single write(2) as soon as the unit is done.
/// An interrupted run (SIGINT, kill -9, a full disk) keeps every complete line; a line torn by a
/// kill is cut off when the journal is reopened. The journal is removed once the run's files are
/// in place.
///
/// Created exclusively (O_EXCL, never through a symbolic link): an existing journal is never
/// overwritten, so a rerun cannot destroy an interrupted run's records.
public final class Journal: Sendable {
    public let url: URL
    /// The descriptor (−1 once closed) and the first failed write, shared by appending threads.
    private let state: Mutex<(fd: Int32, failure: OutputError?)>

    private init(url: URL, fd: Int32) {
        self.url = url
        self.state = Mutex((fd, nil))
    }

    deinit { state.withLock { if $0.fd >= 0 { Glibc.close($0.fd) } } }

    public static func exists(at url: URL) -> Bool {
        var status = stat()
        return lstat(url.path, &status) == 0
    }

    /// A new journal holding `header` (one line, no newline inside).
    public static func create(at url: URL, header: Data) throws -> Journal {
        let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OutputError("create the journal", path: url.path, code: errno) }
        let journal = Journal(url: url, fd: fd)
        do {
            try POSIXFile.writeAll(fd, header + Data("\n".utf8), path: url.path)
            if fsync(fd) != 0 && errno != EINVAL { throw OutputError("write", path: url.path, code: errno) }
        } catch {
            journal.remove()
            throw error
        }
        return journal
    }

    /// Reopens an interrupted run's journal for appending: its header and its complete records,
    /// in the order they were written. A torn last line is cut off the file.
    public static func resume(at url: URL) throws -> (journal: Journal, header: Data, records: [Data]) {
        let fd = open(url.path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError("open the journal", path: url.path, code: errno) }
        let journal = Journal(url: url, fd: fd)
        let (header, records) = try readLines(fd, url: url, cutTornLine: true)
        return (journal, header, records)
    }

    /// The header and records of a finished journal (read only; a torn last line is ignored).
    public static func read(at url: URL) throws -> (header: Data, records: [Data]) {
        let fd = open(url.path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError("open", path: url.path, code: errno) }
        defer { Glibc.close(fd) }
        return try readLines(fd, url: url, cutTornLine: false)
    }

    private static func readLines(_ fd: Int32, url: URL, cutTornLine: Bool) throws -> (header: Data, records: [Data]) {
        var contents = Data()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = Glibc.read(fd, &buffer, buffer.count)
            if n < 0 { if errno == EINTR { continue }; throw OutputError("read", path: url.path, code: errno) }
            if n == 0 { break }
            contents.append(contentsOf: buffer[0..<n])
        }
        let complete = contents.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        if cutTornLine && complete < contents.count && ftruncate(fd, off_t(complete)) != 0 {
            throw OutputError("truncate the torn last line of", path: url.path, code: errno)
        }
        let lines = contents[0..<complete].split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map { Data($0) }
        guard let header = lines.first else { throw OutputError("the journal '\(url.path)' has no header line; delete it to start over") }
        return (header, Array(lines.dropFirst()))
    }

    /// Syncs, closes and renames the finished journal to `destination` (atomically; it must not
    /// exist), e.g. a shard's records for a later merge.
    public func finish(as destination: URL) throws {
        let url = url
        try state.withLock { state throws(OutputError) in
            if let failure = state.failure { throw failure }
            guard state.fd >= 0 else { throw OutputError("cannot finish the journal '\(url.path)': it is closed") }
            if fsync(state.fd) != 0 && errno != EINVAL { throw OutputError("write", path: url.path, code: errno) }
            Glibc.close(state.fd)
            state.fd = -1
        }
        if link(url.path, destination.path) != 0 { throw OutputError("rename the journal onto", path: destination.path, code: errno) }
        unlink(url.path)
    }

    /// Appends one record line (thread-safe; a failed write is remembered and later lines dropped).
    public func append(_ record: Data) {
        let url = url
        state.withLock { state in
            guard state.failure == nil, state.fd >= 0 else { return }
            do {
                try POSIXFile.writeAll(state.fd, record + Data("\n".utf8), path: url.path)
            } catch let error as OutputError {
                state.failure = error
            } catch {
                state.failure = OutputError("\(error)")
            }
        }
    }

    /// The first failed write, if any.
    public var error: OutputError? { state.withLock { $0.failure } }

    /// Closes and deletes the journal (the run finished, or failed in a way a resume would repeat).
    public func remove() {
        state.withLock { if $0.fd >= 0 { Glibc.close($0.fd); $0.fd = -1 } }
        unlink(url.path)
    }
}

/// Compares the configuration a journal was written for with the current one: both are JSON
/// objects; keys in `ignoring` (e.g. the thread count, which results do not depend on) are skipped.
/// Returns the dotted paths of the keys whose values differ, sorted.
public func differingKeys(_ a: Data, _ b: Data, ignoring: Set<String> = []) -> [String] {
    guard let x = try? JSONSerialization.jsonObject(with: a), let y = try? JSONSerialization.jsonObject(with: b) else { return ["(unreadable)"] }
    var out: [String] = []
    func walk(_ x: Any?, _ y: Any?, _ path: String) {
        if let dx = x as? [String: Any], let dy = y as? [String: Any] {
            for key in Set(dx.keys).union(dy.keys).sorted() where !ignoring.contains(key) {
                walk(dx[key], dy[key], path.isEmpty ? key : path + "." + key)
            }
            return
        }
        if canonical(x) != canonical(y) { out.append(path) }
    }
    walk(x, y, "")
    return out
}

/// A JSON value's bytes with sorted keys (nil for an absent key), for comparing leaves.
private func canonical(_ value: Any?) -> Data? {
    guard let value else { return nil }
    return try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys])
}
