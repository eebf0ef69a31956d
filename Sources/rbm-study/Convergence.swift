import ArgumentParser
import Foundation
import Estimators
import AttentionAsDynamics
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

    @Option(help: "System: smooth, linear, dyson (particle problems) or attention (tokens as particles).")
    var system: String = "smooth"
    @Option(help: "Approximate estimator: random-batch (particle systems; or another interaction-sum estimator with an integer size) or rba / rba-corrected (attention). Default: random-batch or rba.")
    var estimator: String?
    @Option(help: "Number of particles (tokens) N (≥ 2; default 64, or the token file's).")
    var particles: Int?
    @Option(help: "Dimension d (default 2, attention 3; dyson is one-dimensional).")
    var dim: Int?
    @Option(help: "Attention: softmax (SA) or mean-field (USA).")
    var normalization: String = "softmax"
    @Option(help: "Attention: sphere (tokens on the unit sphere, tangent projection) or euclidean.")
    var geometry: String = "sphere"
    @Option(help: "Attention: inverse temperature β (finite, in [0, 10000]).")
    var beta: Double = 1
    @Option(help: "Attention: generated tokens, uniform-sphere, gaussian or clustered.")
    var tokens: String = "uniform-sphere"
    @Option(name: .customLong("tokens-file"), help: "Attention: CSV of tokens (one per row); N and d come from it.")
    var tokensFile: String?
    @Option(help: "Attention: Q, K, V maps, identity, random (N(0, 1/d) entries, seeded) or file.")
    var maps: String = "identity"
    @Option(name: .customLong("maps-file"), help: "Attention: CSV of Q, K, V stacked (3d rows of d entries), with --maps file.")
    var mapsFile: String?
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
        guard let chosen = ConvergenceSystem(rawValue: system) else {
            throw InvalidInput(option: "--system", "must be one of \(ConvergenceSystem.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(system)')")
        }
        c.system = chosen
        c.estimator = estimator
        c.particles = particles ?? 64
        c.dimension = dim ?? (chosen == .dyson ? 1 : chosen == .attention ? 3 : 2)
        if chosen == .attention {
            guard let normalization = AttentionNormalization(rawValue: normalization) else {
                throw InvalidInput(option: "--normalization", "must be softmax or mean-field (got '\(normalization)')")
            }
            guard let geometry = AttentionGeometry(rawValue: geometry) else {
                throw InvalidInput(option: "--geometry", "must be sphere or euclidean (got '\(geometry)')")
            }
            c.attention.normalization = normalization
            c.attention.geometry = geometry
            c.attention.beta = beta
            c.attention.tokenDistribution = tokens
            c.attention.tokensFile = tokensFile
            c.attention.maps = maps
            c.attention.mapsFile = mapsFile
            if tokensFile != nil {
                try require(beta.isFinite, "--beta", "must be a finite number in [0, 10000] (got \(beta))")
                let shape = try c.attention.resolvedShape()
                c.particles = particles ?? shape.tokens
                c.dimension = dim ?? shape.dimension
            }
        } else {
            let attentionOnly: [(String, Bool)] = [
                ("--normalization", normalization != "softmax"), ("--geometry", geometry != "sphere"), ("--beta", beta != 1),
                ("--tokens", tokens != "uniform-sphere"), ("--tokens-file", tokensFile != nil), ("--maps", maps != "identity"),
                ("--maps-file", mapsFile != nil)]
            for (option, given) in attentionOnly {
                try require(!given, option, "applies to --system attention only")
            }
        }
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
            if !result.floors.isEmpty {
                try AtomicFile.write(result.floorsCSV(), to: directory.appendingPathComponent("floors.csv"))
            }
        }
        if let report {
            if c.system == .attention {
                FileHandle.standardError.write(Data("running the notebook's companion experiments (other normalisation, bias against p, clustering)\n".utf8))
                try AttentionDynamicsNotebook.write(result, to: URL(fileURLWithPath: report))
            } else {
                try ConvergenceNotebook.write(result, to: URL(fileURLWithPath: report))
            }
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
