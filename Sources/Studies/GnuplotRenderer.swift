import Foundation

/// Renders a gnuplot script to SVG by running `gnuplot` (gnuplot-nox). Data blocks are
/// inlined in the script, so no temporary data files are needed.
public enum GnuplotRenderer {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `script` (which must `set output` to nothing; output is captured) and writes the
    /// SVG atomically to `url`.
    public static func renderSVG(script: String, to url: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gnuplot"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw Failure(description: "gnuplot could not be started: \(error)") }
        // gnuplot may exit before reading (e.g. `env` finds no gnuplot): a broken pipe is then a
        // rendering failure to report, not a crash (the CLI ignores SIGPIPE).
        do {
            try input.fileHandleForWriting.write(contentsOf: Data(script.utf8))
            try input.fileHandleForWriting.close()
        } catch {
            process.waitUntilExit()
            throw Failure(description: "gnuplot did not accept the script (status \(process.terminationStatus)); install gnuplot-nox")
        }
        let svg = output.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, !svg.isEmpty else {
            throw Failure(description: "gnuplot failed (status \(process.terminationStatus)): \(message.split(separator: "\n").first ?? "not found; install gnuplot-nox")")
        }
        try AtomicFile.write(svg, to: url)
    }
}
