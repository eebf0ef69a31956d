#if MPI
import CMPI
import RunStore
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The ranks of the MPI job this process belongs to (MPI_COMM_WORLD), for a run whose units of
/// work (trajectories, say) are split over processes: every rank runs its ``share(of:)``, the
/// ranks agree on each step's outcome (``together(_:)``), and rank 0 receives every record in
/// unit order (``gatherRecords(_:key:)``) to assemble and write the report exactly as one
/// process does. Only the main thread calls MPI (MPI_THREAD_FUNNELED).
///
/// Failures never leave a rank waiting: a step that fails on any rank fails on every rank, with
/// the exit code and one-line message of the lowest failing rank on rank 0; a process that exits
/// without finalizing (killed, out of memory) makes mpirun end the job; an MPI call that fails
/// ends it with MPI_Abort and exit code 3.
public final class MPIWorld {
    /// This process's rank, 0 ..< ``size``.
    public let rank: Int
    /// The number of ranks (at least 2: a job of one rank is an ordinary run).
    public let size: Int
    /// The exit code and one-line message the command-line tool gives an error.
    private let describe: (Error) -> (code: Int32, message: String)

    /// A step that failed on some rank, thrown on every rank by ``together(_:)``. On rank 0 it
    /// carries the exit code and message of the lowest failing rank; elsewhere code 0 and no
    /// message (mpirun exits with the first non-zero code, so only rank 0 sets it).
    public struct Failure: Error {
        public let code: Int32
        public let message: String?
    }

    private init(rank: Int, size: Int, describe: @escaping (Error) -> (code: Int32, message: String)) {
        self.rank = rank
        self.size = size
        self.describe = describe
    }

    public var isRoot: Bool { rank == 0 }

    /// Joins the MPI job when this process was started by a launcher (Open MPI's mpirun sets
    /// OMPI_COMM_WORLD_SIZE, PMIx launchers PMIX_RANK). Returns nil when it was not, or when the
    /// job has one rank (MPI is then finalized at once): the process is an ordinary run.
    /// `describe` gives an error's exit code and one-line message.
    public static func join(describe: @escaping (Error) -> (code: Int32, message: String)) throws -> MPIWorld? {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OMPI_COMM_WORLD_SIZE"] != nil || environment["PMIX_RANK"] != nil else { return nil }
        var rank: Int32 = 0, size: Int32 = 0
        let status = rbm_mpi_initialize(&rank, &size)
        guard status == 0 else { throw OutputError("cannot start MPI (MPI_Init_thread): \(describeMPI(status))") }
        guard size > 1 else {
            _ = rbm_mpi_finalize()
            return nil
        }
        return MPIWorld(rank: Int(rank), size: Int(size), describe: describe)
    }

    /// The units this rank runs out of `count`: rank, rank + size, rank + 2·size, … (the slices of
    /// `--shard K/N` with K = rank + 1, N = size), so ranks get shares of similar cost.
    public func share(of count: Int) -> [Int] {
        Array(stride(from: rank, to: count, by: size))
    }

    /// Collective: runs this rank's ``share(of:)`` of `count` units in rounds of at most
    /// `roundSize` units (the same number of rounds on every rank, whatever its threads), calling
    /// `body(units, done)` for each round's units (`done`: units of the share already run) and
    /// agreeing after each round (``together(_:)``), so a failure on any rank stops every rank at
    /// the end of its round. Returns this rank's results in share order.
    public func runShare<Result>(of count: Int, roundSize: Int = 64,
                                 _ body: (_ units: [Int], _ done: Int) throws -> [Result]) throws -> [Result] {
        let units = share(of: count)
        let largestShare = (count + size - 1) / size
        var results: [Result] = []
        for start in stride(from: 0, to: largestShare, by: roundSize) {
            let round = Array(units[min(start, units.count)..<min(start + roundSize, units.count)])
            results += try together { try body(round, start) }
        }
        return results
    }

    /// Collective: runs `body` on this rank, then agrees with every rank whether any failed
    /// (MPI_Allreduce). Returns `body`'s value when none did; otherwise throws ``Failure`` on every
    /// rank, on rank 0 with the code and message of the lowest failing rank (gathered from all).
    public func together<T>(_ body: () throws -> T) throws -> T {
        let outcome: Result<T, Error>
        do { outcome = .success(try body()) } catch { outcome = .failure(error) }
        var report: [UInt8] = []
        if case .failure(let error) = outcome {
            let (code, message) = describe(error)
            report = Array("\(code) \(message)".utf8)
        }
        var anyFailed: Int64 = 0
        check(rbm_mpi_maximum(report.isEmpty ? 0 : 1, &anyFailed), "MPI_Allreduce")
        if anyFailed == 0, case .success(let value) = outcome { return value }
        guard let reports = gather(report) else { throw Failure(code: 0, message: nil) }
        guard let failing = reports.firstIndex(where: { !$0.isEmpty }) else { throw Failure(code: 3, message: "error: MPI: a rank failed without a report") }
        let text = String(decoding: reports[failing], as: UTF8.self)
        let code = Int32(text.prefix { $0 != " " }) ?? 3
        let message = String(text.drop { $0 != " " }.dropFirst())
        throw Failure(code: code, message: failing == 0 ? message : "\(message) (MPI rank \(failing) of \(size))")
    }

    /// Collective: every rank's bytes, on rank 0 in rank order (nil on the other ranks). Any size
    /// (sent in pieces of at most 1 GiB).
    public func gather(_ bytes: [UInt8]) -> [[UInt8]]? {
        var counts = [Int64](repeating: 0, count: isRoot ? size : 1)
        check(rbm_mpi_gather_counts(Int64(bytes.count), &counts), "MPI_Gather")
        guard isRoot else {
            check(bytes.withUnsafeBufferPointer { rbm_mpi_send_to_root($0.baseAddress, Int64($0.count)) }, "MPI_Send")
            return nil
        }
        var all = [bytes]
        for source in 1..<size {
            var received = [UInt8](repeating: 0, count: Int(counts[source]))
            check(received.withUnsafeMutableBufferPointer { rbm_mpi_receive_from(Int32(source), $0.baseAddress, counts[source]) }, "MPI_Recv")
            all.append(received)
        }
        return all
    }

    /// Collective: every rank's records, on rank 0 all of them sorted by `key` (nil on the other
    /// ranks). Records travel as JSON lines (sorted keys; doubles round-trip exactly; non-finite
    /// numbers as "inf", "-inf", "nan"), so rank 0 holds exactly what each rank computed. Encoding
    /// is agreed (``together(_:)``); a record rank 0 cannot decode throws an ``OutputError`` there.
    public func gatherRecords<Record: Codable>(_ records: [Record], key: (Record) -> Int) throws -> [Record]? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let lines = try together { try records.map { Array(try encoder.encode($0)) + [UInt8(ascii: "\n")] }.joined() }
        guard let parts = gather(Array(lines)) else { return nil }
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        var all: [Record] = []
        for (source, part) in parts.enumerated() {
            for line in part.split(separator: UInt8(ascii: "\n")) {
                guard let record = try? decoder.decode(Record.self, from: Data(line)) else {
                    throw OutputError("MPI: rank \(source) sent a record rank 0 cannot read")
                }
                all.append(record)
            }
        }
        return all.sorted { key($0) < key($1) }
    }

    /// Finalizes MPI (every rank must reach it) and exits with `code`.
    public func finish(exitCode code: Int32) -> Never {
        check(rbm_mpi_finalize(), "MPI_Finalize")
        exit(code)
    }

    /// Ends the whole job (MPI_Abort, exit code 3) with a one-line message when an MPI call failed:
    /// the ranks can no longer agree on anything.
    private func check(_ status: Int32, _ call: String) {
        guard status != 0 else { return }
        let line = Array("error: MPI: \(call) failed on rank \(rank): \(describeMPI(status))\n".utf8)
        _ = line.withUnsafeBufferPointer { Glibc.write(STDERR_FILENO, $0.baseAddress, $0.count) }
        rbm_mpi_abort(3)
        _exit(3)
    }
}

/// MPI's description of an error code, on one line.
private func describeMPI(_ status: Int32) -> String {
    var text = [CChar](repeating: 0, count: 512)
    rbm_mpi_describe(status, &text, Int32(text.count))
    let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return message.split(whereSeparator: \.isNewline).joined(separator: " ") + " (MPI error \(status))"
}
#endif
