import Foundation
import Studies

/// Opens the journal `name` in an output directory for a run: a new one (refused when an
/// interrupted run's journal is there: it is never destroyed), or with `resume` the interrupted
/// run's, whose header must match `header` except for the keys in `ignoring` (bad input naming
/// the options that differ otherwise). Returns the journal and its record lines.
func openRunJournal(in directory: URL, name: String, header: Data, resume: Bool, optionNames: [String: String],
                    ignoring: Set<String>) throws -> (Journal, [Data]) {
    let url = directory.appendingPathComponent(name)
    guard resume else {
        try require(!Journal.exists(at: url), "--out",
                    "'\(directory.path)' holds the journal of an interrupted run (\(name)); add --resume to continue it, or delete the journal to start over")
        return (try Journal.create(at: url, header: header), [])
    }
    try require(Journal.exists(at: url), "--resume", "no journal of an interrupted run in '\(directory.path)' (\(name))")
    let (journal, written, lines) = try Journal.resume(at: url)
    let differing = differingKeys(written, header, ignoring: ignoring)
    if !differing.isEmpty {
        let options = NumericalFailures.distinct(differing.map { optionNames[$0] ?? $0 })
        throw InvalidInput(option: "--resume", "the journal in '\(directory.path)' was written with different options (\(options.joined(separator: ", "))); use the interrupted run's options, or delete the journal to start over")
    }
    return (journal, lines)
}

/// Option names of the attention setup's keys in a journal header (under `prefix`).
func attentionOptionNames(prefix: String) -> [String: String] {
    ["beta": "--beta", "normalization": "--normalization", "geometry": "--geometry", "tokenDistribution": "--tokens",
     "tokensFile": "--tokens-file", "maps": "--maps", "mapsFile": "--maps-file", "tokens": "--particles", "dimension": "--dim"]
        .reduce(into: [:]) { $0[prefix + $1.key] = $1.value }
}
