import Foundation
import Synchronization
import Studies

/// Renders a figure (`Figure`) by running `gnuplot` (gnuplot-nox, whose cairo terminals give
/// PDF and PNG). Data blocks are inlined in the script, so no temporary data files are needed; each
/// output is captured from gnuplot's stdout and written atomically.
public enum GnuplotRenderer {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Writes `figure` to `url` (an `.svg` path) and, for each other format of `formats`, to the
    /// same path with that format's extension. Each file is complete or absent.
    static func render(_ figure: Figure, to url: URL, formats: [PlotFormat]) throws {
        let script = figure.script
        for format in [.svg] + formats.filter({ $0 != .svg }) {
            let data = try run(format.terminal(width: figure.width, height: figure.height) + "\n" + script)
            try AtomicFile.write(data, to: url.deletingPathExtension().appendingPathExtension(format.rawValue))
        }
    }

    /// Runs `script` (which must not `set output`: the output is captured) and returns what
    /// gnuplot wrote to stdout.
    static func run(_ script: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gnuplot"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw Failure(description: "gnuplot could not be started: \(error)") }
        // stdout and stderr are drained while the script is written: a multiplot emits output
        // before it has read the whole script, and a full pipe would block both processes.
        let result = Drained(output), message = Drained(errors)
        // gnuplot may exit before reading (e.g. `env` finds no gnuplot): a broken pipe is then a
        // rendering failure to report, not a crash (the CLI ignores SIGPIPE).
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(script.utf8))
            try input.fileHandleForWriting.close()
        } catch {
            process.waitUntilExit()
            throw Failure(description: "gnuplot did not accept the script (status \(process.terminationStatus)); install gnuplot-nox")
        }
        process.waitUntilExit()
        let text = String(decoding: message.data, as: UTF8.self)
        guard process.terminationStatus == 0, !result.data.isEmpty else {
            throw Failure(description: "gnuplot failed (status \(process.terminationStatus)): \(text.split(separator: "\n").first ?? "not found; install gnuplot-nox")")
        }
        return result.data
    }

    /// Everything read from a pipe on a background thread; ``data`` waits for the end of file.
    private final class Drained: Sendable {
        private let done = DispatchGroup()
        private let bytes = Mutex(Data())

        init(_ pipe: Pipe) {
            done.enter()
            DispatchQueue.global().async {
                let read = pipe.fileHandleForReading.readDataToEndOfFile()
                self.bytes.withLock { $0 = read }
                self.done.leave()
            }
        }

        var data: Data {
            done.wait()
            return bytes.withLock { $0 }
        }
    }
}
