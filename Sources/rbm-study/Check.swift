import ArgumentParser
import Claims
import Foundation
import Studies

extension CatalogueClaim: ExpressibleByArgument {}

/// `rbm-study check`: run catalogue claims and decide each (exit 1 when any is rejected).
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check theorems and closed forms: each claim runs its evidence and is decided holds, rejected or inconclusive.",
        discussion: """
        `check --list` prints every claim with its statement. `check ID [ID …]` or `check --all` runs \
        them on their default configurations (stated in the output). Exit code 0 when every claim \
        holds, 1 when any is rejected, 2 for bad input, 3 for an I/O or numerical failure. \
        Inconclusive claims exit 0 with a warning naming the sample size that would decide them, \
        or 1 with --strict. --expect replaces the claimed value of a single claim (an order, an \
        exponent or a scale): `check rbm-batch-order --expect 1` must be rejected.
        """)

    @Argument(help: "Claim ids (see --list).")
    var ids: [CatalogueClaim] = []
    @Flag(help: "Print the claims with their statements and references, and exit.")
    var list = false
    @Flag(help: "Run every claim of the catalogue.")
    var all = false
    @Option(help: "Replace the claimed value of a single claim, a finite number (its meaning is listed by --list). (default: the claim's own value)")
    var expect: Double?
    @Flag(help: "Exit 1 when any claim is inconclusive, not only when one is rejected.")
    var strict = false
    @OptionGroup(title: "Run options") var runOptions: RunOptions
    @OptionGroup(title: outputOptionsTitle) var output: OutputOptions

    /// Calibration, seed, threads.
    struct RunOptions: ParsableArguments {
        @Option(help: "Calibrate instead: check the claims at R seeds (seed, seed + 1, …), R an integer in [2, 100000], and report how often each holds, is rejected or is inconclusive.")
        var calibrate: Int?
        @Option(help: "Seed of all random streams, an integer in [0, 2⁶⁴ − 1].")
        var seed: UInt64 = 20_251_123
        @Option(help: "Worker threads, an integer in [1, 1024]; results do not depend on it. (default: all cores)")
        var threads: Int?
    }

    var calibrate: Int? { runOptions.calibrate }
    var seed: UInt64 { runOptions.seed }
    var threads: Int? { runOptions.threads }

    func run() throws {
        if list {
            try require(ids.isEmpty && !all && expect == nil, "--list", "takes no claim ids, --all or --expect")
            var text = ""
            for claim in CatalogueClaim.allCases {
                let value = try claim.claim()
                text += "\(claim.rawValue)\n    \(value.statement)\n    reference: \(value.reference)\n"
                if let quantity = claim.claimedQuantity, let claimed = claim.claimedValue { text += "    --expect: the \(quantity) (claimed \(claimed))\n" }
            }
            try StandardOutput.write(text)
            return
        }
        try require(!ids.isEmpty || all, "ids", "name at least one claim (see --list) or use --all")
        try require(ids.isEmpty || !all, "--all", "runs every claim; omit the ids")
        try require(Set(ids).count == ids.count, "ids", "names a claim twice")
        let chosen = all ? CatalogueClaim.allCases : ids
        try require(expect == nil || chosen.count == 1, "--expect", "applies to a single claim (got \(chosen.count))")
        let threads = self.threads ?? ProcessInfo.processInfo.activeProcessorCount
        try require(threads >= 1 && threads <= 1024, "--threads", "must be an integer in [1, 1024] (got \(threads))")
        let claims = try chosen.map { try $0.claim(expected: expect) }
        if let r = calibrate {
            try require(r >= 2 && r <= 100_000, "--calibrate", "must be an integer in [2, 100000] (got \(r))")
            try require(output.report == nil, "--report", "is not written by --calibrate; use --out for calibration.json and calibration.csv")
            let outDirectory = try output.prepare()
            var calibration = try ClaimCalibration.run(claims, firstSeed: seed, seeds: r, threads: threads) { done, total in
                writeStandardError("\rcheck --calibrate: \(done)/\(total) checks" + (done == total ? "\n" : ""))
            }
            calibration.manifest.command = commandLine
            calibration.claimedValueOverridden = expect != nil
            try output.emit(json: try calibration.json(), table: calibration.table(), tables: calibration.tidyTables(),
                            files: [("calibration.json", try calibration.json())],
                            directory: outDirectory, warnings: []) { _ in }
            return
        }
        let outDirectory = try output.prepare()
        let interactive = isatty(STDERR_FILENO) != 0
        var result = try ClaimCheckReport.run(claims, seed: seed, threads: threads) { done, total, id in
            guard done < total else { if interactive { writeStandardError("\r\u{1B}[K") }; return }
            let line = "check: \(done + 1)/\(total) \(id)"
            writeStandardError(interactive ? "\r\u{1B}[K" + line : line + "\n")
        }
        result.manifest.command = commandLine
        try output.emit(json: try result.json(), table: result.table(), tables: result.tidyTables(),
                        files: [("check.json", try result.json())],
                        directory: outDirectory, warnings: result.warnings) { url in
            try AtomicFile.write(Data(result.markdown().utf8), to: url)
        }
        if result.count(.rejected) > 0 || (strict && result.count(.inconclusive) > 0) {
            throw ExitCode(1)
        }
    }
}
