import ArgumentParser
import AttentionAsDynamics
import Estimators
import Foundation
import Studies

struct VarianceSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "variance-sweep",
        abstract: "Bias and variance of sampling estimators at fixed configurations, against their closed-form laws.",
        discussion: """
        Each estimator is drawn --draws times at each of --configurations fixed configurations; the \
        per-particle variance (with its SE from the fourth moment), the bias with a zero-bias test, \
        and the ratio to the closed form are reported, with a weighted fit of log variance against \
        log theory per estimator. Particle systems: random-batch, random-batch-replacement, \
        bernoulli, uniform-columns. Attention: rba, rba-corrected, bernoulli, yoso, \
        yoso-normalized, uniform-columns, importance-columns, skeinformer (and its ablations \
        skeinformer-no-pilot, -no-adaptive, -no-reuse). Results do not depend on --threads.
        """)

    @Option(help: "Comma list of systems: smooth, linear, attention.")
    var system: String = "smooth"
    @Option(help: "Number of particles or tokens N (≥ 3).")
    var particles: Int = 128
    @Option(help: "Dimension d (default 2 for particle systems, 8 for attention).")
    var dim: Int?
    @Option(help: "Comma list of estimators (default: every estimator of the system).")
    var estimators: String?
    @Option(help: "Comma list of sizes (p, π, m or c) applied to every estimator (default: each estimator's range).")
    var sizes: String?
    @Option(name: .customLong("match-cost"), help: "Comma list of expected costs per particle; each estimator's size is chosen to match each.")
    var matchCost: String?
    @Option(help: "Draws per configuration (≥ 4).")
    var draws: Int = 1_000
    @Option(help: "Independent fixed configurations (≥ 1).")
    var configurations: Int = 2
    @Option(help: "Seed of all random streams (64-bit).")
    var seed: UInt64 = 20_251_123
    @Option(help: "Worker threads (default: all cores). Results do not depend on it.")
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
    @Option(help: "Bits τ per YOSO hash (1–20).")
    var bits: Int = 8
    @Option(help: "Stdout format: table, json or csv.")
    var format: OutputFormat = .table
    @Option(help: "Directory for every artifact (variance-sweep.json, rows.csv, fits.csv).")
    var out: String?
    @Option(help: "Write a Markdown notebook with SVG plots to this file.")
    var report: String?

    func run() throws {
        var c = VarianceSweepConfiguration()
        c.systems = system.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        c.particles = particles
        c.dimension = dim
        c.estimators = try estimators.map { text in
            let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            try require(names.allSatisfy { !$0.isEmpty }, "--estimators", "has an empty name in '\(text)'")
            return names
        }
        c.sizes = try sizes.map { try parseList($0, option: "--sizes") { Double($0) } }
        c.matchCost = try matchCost.map { try parseList($0, option: "--match-cost") { Double($0) } }
        c.draws = draws
        c.configurations = configurations
        c.seed = seed
        c.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        c.yosoBits = bits
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
        let progress = ProgressReporter(label: "variance-sweep")
        var result = try VarianceSweepStudy.run(c, progress: { progress.update(done: $0, total: $1) })
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
            try AtomicFile.write(json, to: directory.appendingPathComponent("variance-sweep.json"))
            try AtomicFile.write(result.rowsCSV(), to: directory.appendingPathComponent("rows.csv"))
            try AtomicFile.write(result.fitsCSV(), to: directory.appendingPathComponent("fits.csv"))
        }
        if let report {
            try VarianceSweepNotebook.write(result, to: URL(fileURLWithPath: report))
            FileHandle.standardError.write(Data("wrote \(report)\n".utf8))
        }
        print(stdout, terminator: "")
        for warning in result.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
    }
}
