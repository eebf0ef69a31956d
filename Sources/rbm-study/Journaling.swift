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

/// A unit of work that a study journals and a resumed run reuses, identified by its key.
protocol JournalUnit: Codable, Sendable {
    var key: String { get }
}

extension VarianceSweepStudy.Unit: JournalUnit {}
extension WorkPrecisionStudy.Unit: JournalUnit {}

/// JSON of journal lines: sorted keys, non-finite numbers as "inf", "-inf", "nan".
let journalEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
}()

let journalDecoder: JSONDecoder = {
    let decoder = JSONDecoder()
    decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return decoder
}()

/// The journal of a study made of keyed units (variance-sweep, work-precision) when `--out` is
/// given: opened by ``openRunJournal(in:name:header:resume:optionNames:ignoring:)`` (threads may
/// differ on resume), with the units an interrupted run already recorded, and the callback that
/// records each new unit (a failed write stops the run; the journal keeps what was written).
struct UnitJournal<Unit: JournalUnit> {
    let journal: Journal?
    let completed: [String: Unit]

    init<Header: Encodable>(in directory: URL?, name: String, header: Header, resume: Bool, optionNames: [String: String],
                            study: String) throws {
        guard let directory else {
            journal = nil
            completed = [:]
            return
        }
        let (opened, lines) = try openRunJournal(in: directory, name: name, header: try journalEncoder.encode(header),
                                                 resume: resume, optionNames: optionNames, ignoring: ["threads"])
        var units: [String: Unit] = [:]
        for (k, line) in lines.enumerated() {
            guard let unit = try? journalDecoder.decode(Unit.self, from: line) else {
                throw InvalidInput(option: "--resume", "line \(k + 2) of the journal in '\(directory.path)' is not a unit of this \(study); delete the journal to start over")
            }
            units[unit.key] = unit
        }
        if resume { writeStandardError("resuming: \(units.count) measured units are in the journal\n") }
        journal = opened
        completed = units
    }

    var record: @Sendable (Unit) -> Void {
        let journal = self.journal
        return { unit in
            guard let journal else { return }
            journal.append((try? journalEncoder.encode(unit)) ?? Data())
            if let error = journal.error { failNow(error) }
        }
    }
}
