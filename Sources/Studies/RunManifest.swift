import Foundation
import NumericsCore

/// Provenance of a run, embedded in every JSON document and report (the `manifest` field).
public struct RunManifest: Codable, Sendable {
    public var seed: UInt64
    public var command: String
    public var version: String
    public var gitCommit: String
    public var swiftVersion: String
    public var blas: String
    public var threads: Int
    public var wallSeconds: Double
    public var cpu: String
    public var date: String

    public static let toolVersion = "0.1.0"

    /// `--version`: the package version and the commit it was built from, e.g. "0.1.0 (commit 64b8d75)".
    public static var versionDescription: String { "\(toolVersion) (commit \(currentGitCommit()))" }

    public init(seed: UInt64, command: String, threads: Int, wallSeconds: Double) {
        self.seed = seed
        self.command = command
        self.version = Self.toolVersion
        self.gitCommit = Self.currentGitCommit()
        self.swiftVersion = Self.compilerVersion
        self.blas = BLAS.description
        self.threads = threads
        self.wallSeconds = wallSeconds
        self.cpu = Self.cpuModel()
        self.date = ISO8601DateFormatter().string(from: Date())
    }

    static var compilerVersion: String {
        #if compiler(>=6.3)
        return "6.3+"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    /// `git rev-parse --short HEAD` of the working directory, or "unknown".
    /// The short commit of the repository the running executable was built in (git is asked in
    /// the executable's directory, not the working directory, which may be another repository);
    /// "unknown" outside a repository or without git.
    static func currentGitCommit() -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let directory = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent().path ?? "."
        process.arguments = ["git", "-C", directory, "rev-parse", "--short", "HEAD"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return "unknown" }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return process.terminationStatus == 0 && !text.isEmpty ? text : "unknown"
    }

    static func cpuModel() -> String {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        let line = info.split(separator: "\n").first { $0.hasPrefix("model name") }
        let model = line?.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) }
        return "\(model ?? "unknown") × \(availableCores)"
    }
}
