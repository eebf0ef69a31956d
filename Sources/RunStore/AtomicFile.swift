import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A file could not be written (or the output directory could not be used). The message names
/// the path and the system's reason; the command-line tool prints it on one line and exits 3.
public struct OutputError: Error, CustomStringConvertible, Equatable {
    public let message: String

    public init(_ message: String) { self.message = message }

    /// `operation` on `path` failed with `errno` code `code`; a full disk or quota gets advice.
    public init(_ operation: String, path: String, code: Int32) {
        var text = "cannot \(operation) '\(path)': \(String(cString: strerror(code)))"
        if code == ENOSPC || code == EDQUOT { text += "; free space on that file system or write elsewhere (--out, --report)" }
        if code == ELOOP { text += " (a symbolic link is in the way; remove it)" }
        self.message = text
    }

    public var description: String { message }
}

/// Temporary files of this process, removed on interruption (SIGINT, SIGTERM) by
/// ``removeAll()`` so that an interrupted run leaves no partial file behind.
public enum TemporaryFiles {
    /// Held while a set of files is renamed into place, so that an interruption happens before
    /// or after the whole commit, never in the middle.
    private static let commitLock = NSLock()
    private static let paths = Mutex<Set<String>>([])

    static func whileCommitting<T>(_ body: () throws -> T) rethrows -> T {
        commitLock.lock(); defer { commitLock.unlock() }
        return try body()
    }

    static func register(_ path: String) { paths.withLock { _ = $0.insert(path) } }
    static func unregister(_ path: String) { paths.withLock { _ = $0.remove(path) } }

    /// Unlinks every temporary file still registered (for signal handlers run outside the
    /// signal context, e.g. a dispatch source).
    public static func removeAll() {
        commitLock.lock(); defer { commitLock.unlock() }
        paths.withLock { paths in
            for path in paths { unlink(path) }
            paths.removeAll()
        }
    }
}

/// Exclusive creation and complete writes with POSIX calls (no trapping Foundation APIs).
enum POSIXFile {
    /// The mode a finished file gets: 0666 less the process umask (temporaries are 0600). The
    /// umask is read from /proc (Linux ≥ 4.7), so it is never changed, even for a moment, while
    /// other threads may create files; elsewhere it is read by setting and restoring it.
    static let finalMode: mode_t = {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
           let mask = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8) {
            return 0o666 & ~mask
        }
        let mask = umask(0o022)
        umask(mask)
        return 0o666 & ~mask
    }()

    /// Creates `directory/.NAME.<random>.SUFFIX` with O_CREAT|O_EXCL|O_NOFOLLOW and mode 0600
    /// (16 random hex digits: not predictable, never an existing file or link) and registers it
    /// with ``TemporaryFiles``.
    static func createTemporary(in directory: URL, for name: String, suffix: String) throws -> (fd: Int32, path: String) {
        for _ in 0..<16 {
            let random = String(UInt64.random(in: .min ... .max), radix: 16)
            let path = directory.appendingPathComponent(".\(name).\(random).\(suffix)").path
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                TemporaryFiles.register(path)
                return (fd, path)
            }
            if errno != EEXIST { throw OutputError("create a temporary file in", path: directory.path, code: errno) }
        }
        throw OutputError("create a temporary file in", path: directory.path, code: EEXIST)
    }

    /// Writes all of `bytes` (retrying short writes and EINTR).
    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let written = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw OutputError("write", path: path, code: errno)
            }
            offset += written
        }
    }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { try writeAll(fd, $0, path: path) }
    }

    /// fsync, the final mode, close: the file is complete on disk before it is renamed.
    static func seal(_ fd: Int32, path: String) throws {
        if fsync(fd) != 0 && errno != EINVAL && errno != EROFS {
            let code = errno
            close(fd)
            throw OutputError("write", path: path, code: code)
        }
        _ = fchmod(fd, finalMode)
        if close(fd) != 0 { throw OutputError("write", path: path, code: errno) }
    }

    /// Removes a temporary that will not be renamed.
    static func discard(_ path: String) {
        unlink(path)
        TemporaryFiles.unregister(path)
    }

    static func rename(_ temporary: String, to destination: String) throws {
        if Glibc.rename(temporary, destination) != 0 {
            let code = errno
            discard(temporary)
            throw OutputError("rename a temporary file onto", path: destination, code: code)
        }
        TemporaryFiles.unregister(temporary)
    }
}

/// Writes files so that a reader never sees a partial result: data goes to a temporary file in
/// the same directory, created exclusively under an unpredictable name (never through a symbolic
/// link), which is then renamed over the destination (rename(2) is atomic within a file system
/// and replaces a link at the destination rather than following it).
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try createDirectory(directory)
        let temporary = try stage(data, in: directory, as: url.lastPathComponent)
        try POSIXFile.rename(temporary, to: url.path)
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }

    /// Writes `data` to a new sealed temporary for `name` in `directory`; returns its path.
    static func stage(_ data: Data, in directory: URL, as name: String) throws -> String {
        let (fd, path) = try POSIXFile.createTemporary(in: directory, for: name, suffix: "tmp")
        do {
            try POSIXFile.writeAll(fd, data, path: path)
        } catch {
            close(fd)
            POSIXFile.discard(path)
            throw error
        }
        do { try POSIXFile.seal(fd, path: path) } catch { POSIXFile.discard(path); throw error }
        return path
    }

    static func createDirectory(_ directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw OutputError("cannot create directory '\(directory.path)'")
        }
    }
}

/// Several files replaced together: every file is first written to its own temporary
/// (``stage(_:as:)``); only when all are complete does ``commit(removing:)``
/// rename them into place. A failure before the commit (a full disk, say) removes the
/// temporaries, leaving the previous set of files untouched.
public final class AtomicFileSet {
    public let directory: URL
    private var staged: [(temporary: String, destination: String)] = []

    public init(directory: URL) { self.directory = directory }

    deinit { abandon() }

    public func stage(_ data: Data, as name: String) throws {
        let path = try AtomicFile.stage(data, in: directory, as: name)
        staged.append((path, directory.appendingPathComponent(name).path))
    }

    /// Renames every staged file into place, then removes the files named in `stale` (files of an
    /// earlier run in the same directory that this run does not produce).
    public func commit(removing stale: [String] = []) throws {
        let files = staged
        staged = []
        try TemporaryFiles.whileCommitting {
            for (k, file) in files.enumerated() {
                do {
                    try POSIXFile.rename(file.temporary, to: file.destination)
                } catch {
                    for rest in files[(k + 1)...] { POSIXFile.discard(rest.temporary) }
                    throw error
                }
            }
            for name in stale { unlink(directory.appendingPathComponent(name).path) }
        }
    }

    /// Removes every staged temporary (nothing is renamed).
    public func abandon() {
        for file in staged { POSIXFile.discard(file.temporary) }
        staged = []
    }
}

/// The lock on an output directory (`DIR/.rbm-study.lock`, flock(2)), held for the rest of the
/// process: a second run into the same directory is refused instead of interleaving its files.
public enum DirectoryLock {
    /// The lock files this process holds (path → descriptor), kept open until the process ends.
    private static let held = Mutex<[String: Int32]>([:])

    public static let fileName = ".rbm-study.lock"

    /// Locks `directory` (a no-op when this process holds it already); throws ``OutputError``
    /// naming the other process when it is locked.
    public static func acquire(_ directory: URL, option: String) throws {
        let path = directory.appendingPathComponent(fileName).path
        try held.withLock { held in try acquireHolding(path, directory: directory, option: option, held: &held) }
    }

    /// ``acquire(_:option:)`` with the table of held locks locked (two threads never open the same lock file).
    private static func acquireHolding(_ path: String, directory: URL, option: String, held: inout [String: Int32]) throws {
        guard held[path] == nil else { return }
        let fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw OutputError("open the lock file", path: path, code: errno) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(fd, &buffer, buffer.count)
            close(fd)
            guard code == EWOULDBLOCK else { throw OutputError("lock", path: path, code: code) }
            let pid = count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
            throw OutputError("\(option) '\(directory.path)' is in use by another rbm-study run\(pid.isEmpty ? "" : " (pid \(pid))"); wait for it to finish or choose another \(option)")
        }
        let pid = Data("\(getpid())\n".utf8)
        if ftruncate(fd, 0) == 0 { try? POSIXFile.writeAll(fd, pid, path: path) }
        held[path] = fd
    }
}
