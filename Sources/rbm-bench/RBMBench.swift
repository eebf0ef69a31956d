import ArgumentParser
import Foundation
import NumericsCore
import Studies

/// `rbm-bench SECTION [--quick] [--format table|json]`: runs one benchmark section.
struct RBMBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbm-bench",
        abstract: "Performance figures of rbm-study; every figure is a ratio to a peak or limit measured in the same run.",
        discussion: "Sections:\n" + BenchSection.allCases.map {
            "  " + $0.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0) + $0.summary
        }.joined(separator: "\n") + "\n\nRelease build only (swift run -c release rbm-bench SECTION); timings are noisy on a shared machine, the ratios less so.",
        version: RunManifest.versionDescription)

    @Argument(help: ArgumentHelp("The section to run.", valueName: "section"))
    var section: BenchSection

    @Flag(help: "Smaller sizes and fewer repeats: every section finishes in under 30 s.")
    var quick = false

    @Option(help: "Standard output: aligned text, or the JSON document ({\"schema\", \"section\", \"figures\": [{\"name\", \"value\", \"unit\"}], \"manifest\"}).")
    var format: BenchFormat = .table

    func run() throws {
        #if DEBUG
        let notice = "warning: debug build; timings are meaningless. Use: swift run -c release rbm-bench\n"
        _ = notice.withCString { write(STDERR_FILENO, $0, strlen($0)) }  // write(2): never traps on a closed stderr
        #endif
        let start = DispatchTime.now().uptimeNanoseconds
        let figures = try section.run(BenchScale(quick: quick))
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let command = (["rbm-bench", section.rawValue] + (quick ? ["--quick"] : [])).joined(separator: " ")
        let report = BenchReport(section: section.rawValue, figures: figures,
                                 manifest: RunManifest(seed: 0, command: command, threads: availableCores, wallSeconds: wall))
        switch format {
        case .table: print(report.table(), terminator: "")
        case .json: print(String(decoding: try report.json(), as: UTF8.self))
        }
    }
}

/// `--format`.
enum BenchFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Problem sizes and repeat counts of one run: the full sizes, or `--quick`.
struct BenchScale {
    var quick: Bool
    /// `full` normally, `quick` under `--quick`.
    func pick<T>(full: T, quick: T) -> T { self.quick ? quick : full }
    /// Repeats of a timing: `full` normally, at most 3 under `--quick`.
    func repeats(_ full: Int) -> Int { quick ? min(3, full) : full }
}
