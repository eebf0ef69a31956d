#if MPI
import ArgumentParser
import Foundation
import NumericsCore
import RunStoreMPI
import Studies

/// `mpirun -np K rbm-study …` with K ≥ 2 (the build with the MPI trait). Only `convergence` is
/// split over the ranks and the other subcommands are refused; `help` runs on rank 0. Every rank
/// parses and validates, rank 0 alone prints and writes. A failed step is reported once, by rank
/// 0, with the documented exit code.
func runOverRanks(_ world: MPIWorld) -> Never {
    do {
        var command = try world.together { () -> ParsableCommand in
            let command = try RBMStudy.parseAsRoot()
            let isOtherSubcommand = RBMStudy.configuration.subcommands.contains { $0 == type(of: command) }
            guard command is Convergence || !isOtherSubcommand else {
                throw InvalidInput(option: "mpirun", "only `rbm-study convergence` runs over MPI ranks; run the other subcommands as one process")
            }
            return command
        }
        if let convergence = command as? Convergence {
            try convergence.runOverRanks(world)
        } else {
            try world.together { if world.isRoot { try command.run() } }
        }
        world.finish(exitCode: 0)
    } catch let failure as MPIWorld.Failure {
        if let message = failure.message {
            if failure.code == 0 {
                try? StandardOutput.write(message + "\n")  // --help, --version
            } else {
                TemporaryFiles.removeAll()
                writeStandardError(escapedForTerminal(message) + "\n")
            }
        }
        world.finish(exitCode: failure.code)
    } catch {
        // Rank 0 alone, writing the report after the records were gathered: the other ranks are done.
        let (code, message) = failureReport(for: error)
        TemporaryFiles.removeAll()
        writeStandardError(escapedForTerminal(message) + "\n")
        world.finish(exitCode: code)
    }
}

extension Convergence {
    /// The study split over MPI ranks: every rank validates the options (agreed before rank 0
    /// creates `--out`), runs trajectories rank, rank + K, … (the slices of `--shard`), and rank 0
    /// gathers every record and assembles and writes the report exactly as one process does, so
    /// the files, table and JSON are the single process's bytes (the manifest's timing and command
    /// aside). The ranks agree after every round of 64 trajectories each: a non-finite trajectory
    /// or a solver failure on any rank stops them all then, and rank 0 reports it (exit 3). An MPI
    /// run keeps no journal: `--resume` and `--shard` are refused.
    func runOverRanks(_ world: MPIWorld) throws {
        let start = Date()
        let c = try world.together { () -> ConvergenceConfiguration in
            let (c, particleCounts) = try validatedConfiguration()
            try require((particleCounts?.count ?? 1) == 1, "--particles", "a list of particle counts is not split over MPI ranks; run it as one process")
            try require(calibrate == nil, "--calibrate", "is not split over MPI ranks; run it as one process")
            try require(shard == nil, "--shard", "is not available under mpirun: the ranks split the trajectories")
            try require(!resume, "--resume", "is not available under mpirun: an MPI run keeps no journal (for runs that must survive interruption use --shard and merge)")
            try require(c.trajectories >= world.size, "--trajectories", "\(c.trajectories) trajectories for \(world.size) MPI ranks; use at most one rank per trajectory")
            return c
        }
        let outDirectory = try world.together { world.isRoot ? try output.prepare() : nil }
        let progress = world.isRoot ? ProgressReporter(label: "convergence, MPI rank 0 of \(world.size)", unit: "trajectories") : nil
        let shareCount = world.share(of: c.trajectories).count
        let mine = try world.runShare(of: c.trajectories) { round, done -> [TrajectoryErrors] in
            let records: [TrajectoryErrors]
            do {
                let update: (@Sendable (Int, Int) -> Void)? = progress.map { p in { @Sendable count, _ in p.update(done: done + count, total: shareCount) } }
                records = try ConvergenceStudy.runTrajectories(round, configuration: c, progress: update)
            } catch let error as NumericalLibraryError {
                throw NumericalFailures.convergence(error, configuration: c)
            }
            if let failed = records.first(where: { $0.nonFiniteRuns > 0 }) {
                throw NumericalFailures.convergence(nonFiniteRuns: failed.nonFiniteRuns, trajectory: failed.trajectory, configuration: c)
            }
            return records
        }
        progress?.finish()
        guard let records = try world.gatherRecords(mine, key: { $0.trajectory }) else { return }
        var completed: [Int: TrajectoryErrors] = [:]
        for errors in records { completed[errors.trajectory] = errors }
        guard completed.count == c.trajectories else {
            throw OutputError("MPI: rank 0 received \(completed.count) of \(c.trajectories) trajectories")
        }
        var result = try ConvergenceStudy.run(c, completed: completed)  // assembly only: every trajectory is given
        result.manifest.command = commandLine
        result.manifest.wallSeconds = Date().timeIntervalSince(start)
        try Self.emit(result, records: records, configuration: c, output: output, directory: outDirectory, committed: {})
    }
}
#endif
