import ArgumentParser
import Foundation
import Studies

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the records of convergence shards (convergence --shard K/N --out DIR) into the report of the whole run.",
        discussion: """
        Reads every convergence-shard-K-of-N.records file in the given directories, in any order, and \
        writes the files, table and JSON that one unsharded run with the same options gives, bit for bit \
        (the manifest's timing fields and command aside). Shards of different configurations, missing or \
        repeated shards and records that do not belong to their shard are refused (exit 2).
        """)

    @Argument(help: "Directories holding shard records.")
    var directories: [String] = []
    @OptionGroup(title: outputOptionsTitle) var output: OutputOptions

    func run() throws {
        try require(!directories.isEmpty, "DIR", "name the directories that hold the shards' records")
        var files: [URL] = []
        for directory in directories {
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
                throw InvalidInput(option: "DIR", "cannot read the directory '\(directory)'")
            }
            let found = names.filter { $0.hasPrefix("convergence-shard-") && $0.hasSuffix(".records") }.sorted()
            try require(!found.isEmpty, "DIR", "'\(directory)' holds no shard records (convergence-shard-K-of-N.records)")
            files += found.map { URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent($0) }
        }
        let decoder = JSONDecoder()
        var shards: [(url: URL, raw: Data, header: Convergence.JournalHeader, records: [Data])] = []
        for url in files {
            let (raw, records) = try Journal.read(at: url)
            guard let header = try? decoder.decode(Convergence.JournalHeader.self, from: raw), header.shard != nil,
                  header.format == Convergence.JournalHeader(configuration: ConvergenceConfiguration()).format else {
                throw InvalidInput(option: "DIR", "\(url.path) is not the records file of a convergence shard of this version")
            }
            shards.append((url, raw, header, records))
        }
        let first = shards[0]
        for other in shards.dropFirst() {
            let differing = differingKeys(first.raw, other.raw, ignoring: ["threads", "shard", "command"])
            if !differing.isEmpty {
                let options = NumericalFailures.distinct(differing.map { Convergence.optionNames[$0] ?? $0 })
                throw InvalidInput(option: "DIR", "\(other.url.path) was run with different options (\(options.joined(separator: ", "))) than \(first.url.path)")
            }
        }
        let c = first.header.configuration
        var slices: [Shard] = []
        for s in shards { slices.append(try Shard(parsing: s.header.shard ?? "", trajectories: c.trajectories)) }
        let n = slices[0].count
        for (s, slice) in zip(shards, slices) where slice.count != n {
            throw InvalidInput(option: "DIR", "\(s.url.path) is shard \(slice) but \(first.url.path) is of \(n) shards")
        }
        var seen: [Int: URL] = [:]
        for (s, slice) in zip(shards, slices) {
            if let earlier = seen[slice.index] {
                throw InvalidInput(option: "DIR", "shard \(slice) is given twice (\(earlier.path) and \(s.url.path))")
            }
            seen[slice.index] = s.url
        }
        let missing = (1...n).filter { seen[$0] == nil }.map { "\($0)/\(n)" }
        try require(missing.isEmpty, "DIR", "shard\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", ")) \(missing.count == 1 ? "is" : "are") missing")
        var completed: [Int: TrajectoryErrors] = [:]
        for (s, slice) in zip(shards, slices) {
            for (k, line) in s.records.enumerated() {
                guard let record = try? decoder.decode(TrajectoryErrors.self, from: line), slice.contains(record.trajectory),
                      record.trajectory < c.trajectories, record.timeSquared.count == c.timeSteps.count,
                      record.strongSquared.count == c.batchSizes.count,
                      record.strongSquared.allSatisfy({ $0.count == c.timeSteps.count }) else {
                    throw InvalidInput(option: "DIR", "line \(k + 2) of \(s.url.path) is not a trajectory record of shard \(slice)")
                }
                if completed[record.trajectory] == nil { completed[record.trajectory] = record }
            }
            let lacking = slice.indices(trajectories: c.trajectories).filter { completed[$0] == nil }
            try require(lacking.isEmpty, "DIR", "\(s.url.path) lacks \(lacking.count) trajectories of shard \(slice) (first: \(lacking.first ?? 0)); rerun that shard")
        }
        try c.validate()
        let outDirectory = try output.prepare()
        var result = try ConvergenceStudy.run(c, completed: completed)  // assembly only: every trajectory is given
        result.manifest.command = first.header.command ?? commandLine
        try Convergence.emit(result, records: (0..<c.trajectories).map { completed[$0]! }, configuration: c, output: output,
                             directory: outDirectory, committed: {})
    }
}
