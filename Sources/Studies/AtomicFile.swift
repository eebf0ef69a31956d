import Foundation

/// Writes files so that a reader never sees a partial result: data goes to a temporary
/// file in the same directory, which is then renamed over the destination (rename(2) is
/// atomic within a file system).
public enum AtomicFile {
    public static func write(_ data: Data, to url: URL) throws {
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
        try data.write(to: temporary)
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
    }

    public static func write(_ text: String, to url: URL) throws {
        try write(Data(text.utf8), to: url)
    }
}

/// An append-only line stream for long runs (`NAME.partial` while running, renamed to NAME
/// by ``finish()``), so an interrupted run keeps everything but the work in flight and is
/// never mistaken for a complete file.
public final class StreamingLineFile: @unchecked Sendable {
    private let handle: FileHandle
    private let partial: URL
    private let destination: URL
    private let lock = NSLock()

    public init(_ destination: URL, header: String) throws {
        try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
        self.destination = destination
        self.partial = destination.appendingPathExtension("partial")
        _ = FileManager.default.createFile(atPath: partial.path, contents: Data((header + "\n").utf8))
        guard let handle = FileHandle(forWritingAtPath: partial.path) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: partial.path])
        }
        handle.seekToEndOfFile()
        self.handle = handle
    }

    public func append(_ line: String) {
        lock.lock(); defer { lock.unlock() }
        handle.write(Data((line + "\n").utf8))
    }

    public func finish() throws {
        lock.lock(); defer { lock.unlock() }
        try handle.synchronize()
        try handle.close()
        if rename(partial.path, destination.path) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination.path])
        }
    }
}
