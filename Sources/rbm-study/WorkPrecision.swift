import ArgumentParser
import AttentionAsDynamics
import Estimators
import Foundation
import Studies

struct WorkPrecision: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work-precision",
        abstract: "Error against exact attention versus counted and measured cost, for every attention estimator, with the Pareto front.",
        discussion: """
        At one fixed configuration, every estimator of the catalog (random batch, sampling schemes, \
        SOFT, Nyströmformer, Performer, Paramixer) at each size: relative Frobenius and spectral error \
        against its exact target (mean ± SE over --draws for random methods), expected pair \
        interactions per token, flops, and the median single-threaded wall time over --repeats. \
        Inside the dynamics: the RMS token error after --horizon/--dt Euler steps for the sampling \
        schemes. Paramixer needs N a power of two.
        """)

    @Option(help: "Number of tokens N (≥ 2; Paramixer needs a power of two).")
    var particles: Int = 256
    @Option(help: "Token dimension d.")
    var dim: Int = 16
    @Option(help: "Comma list of estimators (default: every estimator of the catalog).")
    var estimators: String?
    @Option(help: "Comma list of sizes applied to every estimator (default: each estimator's own sizes).")
    var sizes: String?
    @Option(help: "Draws per (estimator, size) for random methods (≥ 2).")
    var draws: Int = 8
    @Option(help: "Timed repetitions per (estimator, size); the median is reported (≥ 1).")
    var repeats: Int = 5
    @Option(help: "Euler step of the trajectory part.")
    var dt: Double = 0.1
    @Option(help: "Final time of the trajectory part.")
    var horizon: Double = 1
    @Option(help: "Trajectories per (estimator, size) in the trajectory part (≥ 2).")
    var trajectories: Int = 8
    @Flag(name: .customLong("skip-dynamics"), help: "Skip the trajectory part.")
    var skipDynamics = false
    @Option(help: "Seed of all random streams (64-bit).")
    var seed: UInt64 = 20_251_123
    @Option(help: "Worker threads (default: all cores). Errors do not depend on it.")
    var threads: Int?
    @Option(help: "Attention normalisation: softmax or mean-field.")
    var normalization: String = "softmax"
    @Option(help: "Attention inverse temperature β.")
    var beta: Double = 1
    @Option(help: "Generated tokens: uniform-sphere, gaussian or clustered.")
    var tokens: String = "uniform-sphere"
    @Option(name: .customLong("tokens-file"), help: "CSV token file (one token per row) instead of generated tokens.")
    var tokensFile: String?
    @Option(help: "Attention maps Q, K, V: identity, random or file.")
    var maps: String = "identity"
    @Option(name: .customLong("maps-file"), help: "CSV of Q, K, V stacked (3d rows, d columns), with --maps file.")
    var mapsFile: String?
    @Option(help: "Token geometry: sphere or euclidean.")
    var geometry: String = "sphere"
    @Option(help: "Stdout format: table, json or csv.")
    var format: OutputFormat = .table
    @Option(help: "Directory for every artifact (work-precision.json, rows.csv, trajectories.csv).")
    var out: String?
    @Option(help: "Write a Markdown notebook with SVG plots to this file.")
    var report: String?

    func run() throws {
        var c = WorkPrecisionConfiguration()
        c.attention.tokens = particles
        c.attention.dimension = dim
        c.estimators = try estimators.map { text in
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            try require(names.allSatisfy { !$0.isEmpty }, "--estimators", "has an empty name in '\(text)'")
            return names
        }
        c.sizes = try sizes.map { try parseList($0, option: "--sizes") { Double($0) } }
        c.draws = draws
        c.repeats = repeats
        c.timeStep = dt
        c.horizon = horizon
        c.trajectories = trajectories
        c.dynamics = !skipDynamics
        c.seed = seed
        c.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        guard let norm = AttentionNormalization(rawValue: normalization) else {
            throw InvalidInput(option: "--normalization", "must be softmax or mean-field (got '\(normalization)')")
        }
        guard let geo = AttentionGeometry(rawValue: geometry) else {
            throw InvalidInput(option: "--geometry", "must be one of \(AttentionGeometry.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(geometry)')")
        }
        c.attention.normalization = norm
        c.attention.geometry = geo
        c.attention.beta = beta
        c.attention.tokenDistribution = tokens
        c.attention.tokensFile = tokensFile
        c.attention.maps = maps
        c.attention.mapsFile = mapsFile
        if let report { try require(report.hasSuffix(".md"), "--report", "must name a Markdown file ending in .md (got '\(report)')") }
        try c.validate()

        let outDirectory = try out.map { try preparedDirectory($0, option: "--out") }
        if let report { _ = try preparedDirectory(URL(fileURLWithPath: report).deletingLastPathComponent().path, option: "--report") }
        let progress = ProgressReporter(label: "work-precision")
        var result = try WorkPrecisionStudy.run(c, progress: { progress.update(done: $0, total: $1) })
        progress.finish()
        result.manifest.command = (["rbm-study"] + CommandLine.arguments.dropFirst()).joined(separator: " ")

        // Encode everything before writing anything, so a failure leaves no partial results.
        let json = try result.json()
        let stdout: String
        switch format {
        case .table: stdout = result.table()
        case .json: stdout = String(decoding: json, as: UTF8.self) + "\n"
        case .csv: stdout = result.rowsCSV()
        }
        if let directory = outDirectory {
            try AtomicFile.write(json, to: directory.appendingPathComponent("work-precision.json"))
            try AtomicFile.write(result.rowsCSV(), to: directory.appendingPathComponent("rows.csv"))
            try AtomicFile.write(result.trajectoriesCSV(), to: directory.appendingPathComponent("trajectories.csv"))
        }
        if let report {
            try WorkPrecisionNotebook.write(result, to: URL(fileURLWithPath: report))
            FileHandle.standardError.write(Data("wrote \(report)\n".utf8))
        }
        print(stdout, terminator: "")
        for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    }
}
