import ArgumentParser
import Foundation
import Reports
import Studies
import Synchronization

/// The `--help` heading of ``OutputOptions``.
let outputOptionsTitle = "Output options"

/// Where and how a subcommand writes its results: `--format` for stdout, `--out DIR` for every
/// artifact, `--report FILE.md` for the notebook. Everything is encoded before anything is
/// written; the artifacts are written to exclusive temporaries and renamed into place together
/// only once stdout has been written, so a failure leaves the previous set of files or nothing.
struct OutputOptions: ParsableArguments {
    @Option(help: "Standard output: the table, the JSON document, or every CSV table (each after a '# table: NAME' line).")
    var format: OutputFormat = .table
    @Option(help: "Directory for every artifact (the JSON document and one CSV file per table); locked while a run writes to it.")
    var out: String?
    @Option(help: "Write a Markdown notebook with its figures to this file (ending in .md).")
    var report: String?
    @Option(name: .customLong("plot-format"),
            help: "Comma list of the notebook's figure formats; SVG is always written for the Markdown, PDF and PNG beside it.")
    var plotFormat = NameList<PlotFormatNames>("svg")

    /// The figure formats of `--plot-format` (validated by ``checkPaths()``).
    var plotFormats: [PlotFormat] { PlotFormat.list(plotFormat.text ?? "svg") ?? [.svg] }

    /// Checks `--out` and `--report` up front (before any work): bad input exits 2, a closed
    /// stdout or an output directory in use by another run exits 3. Creates and locks `--out`.
    /// Call only after every other option is validated: this is where the first file is created.
    func prepare() throws -> URL? {
        try checkPaths()
        try StandardOutput.requireOpen()
        let directory = try out.map { try preparedDirectory($0, option: "--out") }
        if let directory { try DirectoryLock.acquire(directory, option: "--out") }
        if let report { _ = try preparedDirectory(URL(fileURLWithPath: report).deletingLastPathComponent().path, option: "--report") }
        return directory
    }

    /// The checks of `--out`, `--report` and `--plot-format` that need no file system changes.
    func checkPaths() throws {
        try require(PlotFormat.list(plotFormat.text ?? "svg") != nil, "--plot-format",
                    "must be a comma-separated list of svg, pdf, png (got '\(plotFormat.text ?? "svg")')")
        if let out {
            try require(!out.isEmpty, "--out", "must name a directory (got an empty path)")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory) {
                try require(isDirectory.boolValue, "--out", "'\(out)' exists and is not a directory")
            }
        }
        if let report {
            try require(report.hasSuffix(".md") && URL(fileURLWithPath: report).lastPathComponent != ".md", "--report",
                        "must name a Markdown file ending in .md (got '\(report)')")
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: report, isDirectory: &isDirectory) {
                try require(!isDirectory.boolValue, "--report", "'\(report)' is a directory; name a Markdown file")
            }
        }
    }

    /// Stages the artifacts in the `--out` directory (the `files`, then each table as NAME.csv),
    /// prints stdout in the chosen format (a failed write exits 3 with nothing replaced), renames
    /// the artifacts into place (removing `stale` files an earlier run left), calls `committed`
    /// (e.g. to delete a journal), writes the notebook if asked, and prints the warnings on stderr.
    /// `--format csv` prints every table, each after a line `# table: NAME`, in the given order.
    func emit(json: Data, table: String, tables: [TidyTable], files: [(name: String, contents: Data)], directory: URL?,
              stale: [String] = [], warnings: [String], committed: () -> Void = {},
              notebook: (URL) throws -> Void) throws {
        let artifacts = files + tables.map { (name: "\($0.name).csv", contents: Data($0.csv().utf8)) }
        let stdout: String
        switch format {
        case .table: stdout = table.split(separator: "\n", omittingEmptySubsequences: false).map { escapedForTerminal(String($0)) }
            .joined(separator: "\n")  // paths and names from the command line, never raw escapes
        case .json: stdout = String(decoding: json, as: UTF8.self) + "\n"
        case .csv: stdout = TidyTable.concatenated(tables)
        }
        let files = directory.map { AtomicFileSet(directory: $0) }
        defer { files?.abandon() }
        if let files {
            for artifact in artifacts { try files.stage(artifact.contents, as: artifact.name) }
        }
        try StandardOutput.write(stdout)  // stdout first, so `2>&1` never splits a line of the table
        try files?.commit(removing: stale.filter { name in !artifacts.contains { $0.name == name } })
        committed()
        if let report {
            try notebook(URL(fileURLWithPath: report))
            writeStandardError("wrote \(escapedForTerminal(report))\n")
        }
        for warning in warnings { writeStandardError("warning: \(escapedForTerminal(warning))\n") }
    }
}

/// Standard output, written with its errors checked: a full device (`>/dev/full`), a closed
/// descriptor or a broken pipe fails the run with exit 3 instead of losing results silently.
enum StandardOutput {
    /// Set at start-up when descriptor 1 was closed (it is then held by /dev/null, so no file
    /// the run opens can take its place).
    static let wasClosed = Atomic<Bool>(false)

    /// Keeps descriptors 0–2 open (on /dev/null when closed), remembering a closed stdout.
    static func guardStandardDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY)
            if opened >= 0 && opened != fd { dup2(opened, fd); close(opened) }
            if fd == 1 { wasClosed.store(true, ordering: .relaxed) }
        }
    }

    static func requireOpen() throws {
        if wasClosed.load(ordering: .relaxed) { throw OutputError("cannot write to standard output: it is closed; redirect it to a file or /dev/null") }
    }

    static func write(_ text: String) throws {
        try requireOpen()
        // Anything `print` left in stdio's buffer goes first (fflush(NULL) flushes every output
        // stream without naming the global `stdout`); then the text goes to descriptor 1 unbuffered.
        let flushed = fflush(nil) == 0
        let bytes = Array(text.utf8)
        let code = flushed ? writeAll(bytes, to: STDOUT_FILENO) : errno
        if code != 0 {
            throw OutputError("cannot write to standard output: \(String(cString: strerror(code)))\(code == ENOSPC ? " (the device is full)" : "")")
        }
    }

    /// Writes every byte to `descriptor` with write(2), retrying on EINTR and short writes; 0 or the errno.
    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32 {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n < 0 { return errno }
                if n == 0 { return EIO }
                offset += n
            }
            return 0
        }
    }
}

/// Writes to stderr with write(2), ignoring failures (a closed or full stderr never traps).
func writeStandardError(_ text: String) {
    let bytes = Array(text.utf8)
    var offset = 0
    bytes.withUnsafeBytes { raw in
        while offset < raw.count {
            let n = Glibc.write(STDERR_FILENO, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }
}

/// `text` with control characters (NUL, escape sequences, carriage returns, …) and invalid
/// bytes shown as escapes, so nothing from an argument or a file reaches the terminal raw.
func escapedForTerminal(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        switch scalar.value {
        case 0x0A: result += "\\n"
        case 0x09: result += "\\t"
        case 0x0D: result += "\\r"
        case 0x00..<0x20, 0x7F..<0xA0, 0x2028, 0x2029, 0xFFFD:
            result += scalar.value == 0xFFFD ? "\\u{FFFD}" : String(format: "\\x%02X", scalar.value)
        default: result.unicodeScalars.append(scalar)
        }
    }
    return result
}

/// The command line as typed, for manifests.
var commandLine: String { (["rbm-study"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
