import ArgumentParser
import Foundation
import ParticleSystems
import Studies

struct Convergence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Strong, weak, batch and time-discretisation error of RBM versus time step, with fitted orders.",
        discussion: """
        The full system and RBM share initial data and Brownian increments; batch partitions use \
        their own stream. The reference is Euler–Maruyama at (finest dt)/4 on the same Brownian \
        path (σ > 0) or GSL's adaptive rk8pd (σ = 0). Orders are fitted by GLS with the \
        cross-level covariance and checked with a trajectory bootstrap.
        """)

    @Option(help: "Reference problem: smooth, linear or dyson.")
    var system: String = "smooth"
    @Option(help: "Number of particles N (≥ 2).")
    var particles: Int = 64
    @Option(help: "Dimension d (default 2; dyson is one-dimensional).")
    var dim: Int?
    @Option(name: .customLong("batch-sizes"), help: "Comma-separated batch sizes p, each in [2, N].")
    var batchSizes: String = "2,4,8"
    @Option(help: "Comma-separated time steps τ (default 2^-3 … 2^-8).")
    var dt: String = "0.125,0.0625,0.03125,0.015625,0.0078125,0.00390625"
    @Option(help: "Final time T.")
    var horizon: Double = 2
    @Option(help: "Noise σ (default: the system's own, 0.5 for smooth and linear).")
    var noise: Double?
    @Option(help: "Monte Carlo trajectories (≥ 2).")
    var trajectories: Int = 100
    @Option(help: "Seed of all random streams (64-bit).")
    var seed: UInt64 = 20_251_123
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
    var threads: Int?
    @Option(name: .customLong("reference-refinement"), help: "Reference step = finest dt / this (≥ 4). Larger values reduce the reference's own bias in the time error.")
    var referenceRefinement: Int = 4
    @Option(help: "Stdout format: table, json or csv.")
    var format: OutputFormat = .table
    @Option(help: "Directory for every artifact (convergence.json, levels.csv, fits.csv, trajectories.csv).")
    var out: String?
    @Option(help: "Write a Markdown notebook with an SVG plot to this file.")
    var report: String?

    func run() throws {
        var c = ConvergenceConfiguration()
        guard let problem = ReferenceProblem(rawValue: system) else {
            throw InvalidInput(option: "--system", "must be one of \(ReferenceProblem.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(system)')")
        }
        c.system = problem
        c.particles = particles
        c.dimension = dim ?? (problem == .dyson ? 1 : 2)
        c.batchSizes = try parseList(batchSizes, option: "--batch-sizes") { Int($0) }
        c.timeSteps = try parseList(dt, option: "--dt") { Double($0) }
        c.horizon = horizon
        c.noise = noise
        c.trajectories = trajectories
        c.seed = seed
        c.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        c.referenceRefinement = referenceRefinement
        if let report { try require(report.hasSuffix(".md"), "--report", "must name a Markdown file ending in .md (got '\(report)')") }
        try c.validate()

        let outDirectory = try out.map { try preparedDirectory($0, option: "--out") }
        if let report { _ = try preparedDirectory(URL(fileURLWithPath: report).deletingLastPathComponent().path, option: "--report") }
        let stream = try outDirectory.map {
            try StreamingLineFile($0.appendingPathComponent("trajectories.csv"), header: "trajectory,kind,batchSize,dt,value")
        }
        let progress = ProgressReporter(label: "convergence")
        let configuration = c
        var result = try ConvergenceStudy.run(c, progress: { progress.update(done: $0, total: $1) },
                                              record: { errors in stream?.append(errors.csvLines(configuration: configuration)) })
        progress.finish()
        result.manifest.command = (["rbm-study"] + CommandLine.arguments.dropFirst()).joined(separator: " ")

        // Encode everything before writing anything, so a failure leaves no partial results.
        let json = try result.json()
        let stdout: String
        switch format {
        case .table: stdout = result.table()
        case .json: stdout = String(decoding: json, as: UTF8.self) + "\n"
        case .csv: stdout = result.levelsCSV()
        }
        if let directory = outDirectory {
            try stream?.finish()
            try AtomicFile.write(json, to: directory.appendingPathComponent("convergence.json"))
            try AtomicFile.write(result.levelsCSV(), to: directory.appendingPathComponent("levels.csv"))
            try AtomicFile.write(result.fitsCSV(), to: directory.appendingPathComponent("fits.csv"))
        }
        if let report {
            try ConvergenceNotebook.write(result, to: URL(fileURLWithPath: report))
            FileHandle.standardError.write(Data("wrote \(report)\n".utf8))
        }
        print(stdout, terminator: "")
        for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    }
}

/// Parses a comma-separated list; any malformed element is bad input for `option`.
func parseList<T>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    return try parts.map { part in
        guard let value = parse(part) else { throw InvalidInput(option: option, "'\(part)' is not a valid number in the comma-separated list '\(text)'") }
        return value
    }
}

/// Creates `path` if needed and checks that files can be written there; bad input otherwise.
func preparedDirectory(_ path: String, option: String) throws -> URL {
    let url = URL(fileURLWithPath: path.isEmpty ? "." : path, isDirectory: true)
    do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
        throw InvalidInput(option: option, "cannot create directory '\(path)'")
    }
    guard FileManager.default.isWritableFile(atPath: url.path) else {
        throw InvalidInput(option: option, "directory '\(path)' is not writable")
    }
    return url
}
