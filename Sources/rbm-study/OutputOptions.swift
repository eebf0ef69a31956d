import ArgumentParser
import Foundation
import Studies

/// Where and how a subcommand writes its results: `--format` for stdout, `--out DIR` for every
/// artifact, `--report FILE.md` for the notebook. Everything is encoded before anything is
/// written, and each file is written atomically, so a failure never leaves a partial result.
struct OutputOptions: ParsableArguments {
    @Option(help: "Stdout format: table, json or csv.")
    var format: OutputFormat = .table
    @Option(help: "Directory for every artifact (the JSON document and CSV files).")
    var out: String?
    @Option(help: "Write a Markdown notebook with SVG plots to this file.")
    var report: String?

    /// Checks `--out` and `--report` up front (before any work): bad input exits 2.
    func prepare() throws -> URL? {
        if let report { try require(report.hasSuffix(".md"), "--report", "must name a Markdown file ending in .md (got '\(report)')") }
        let directory = try out.map { try preparedDirectory($0, option: "--out") }
        if let report { _ = try preparedDirectory(URL(fileURLWithPath: report).deletingLastPathComponent().path, option: "--report") }
        return directory
    }

    /// Writes the artifacts (name → contents) into the `--out` directory, the notebook if asked,
    /// then prints stdout in the chosen format and the warnings on stderr.
    func emit(json: Data, table: String, csv: String, artifacts: [(name: String, contents: Data)], directory: URL?,
              warnings: [String], notebook: (URL) throws -> Void) throws {
        let stdout: String
        switch format {
        case .table: stdout = table
        case .json: stdout = String(decoding: json, as: UTF8.self) + "\n"
        case .csv: stdout = csv
        }
        if let directory {
            for artifact in artifacts { try AtomicFile.write(artifact.contents, to: directory.appendingPathComponent(artifact.name)) }
        }
        if let report {
            try notebook(URL(fileURLWithPath: report))
            FileHandle.standardError.write(Data("wrote \(report)\n".utf8))
        }
        print(stdout, terminator: "")
        fflush(Glibc.stdout)  // stdout first, so `2>&1` never splits a line of the table
        for warning in warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    }
}

/// The command line as typed, for manifests.
var commandLine: String { (["rbm-study"] + CommandLine.arguments.dropFirst()).joined(separator: " ") }
