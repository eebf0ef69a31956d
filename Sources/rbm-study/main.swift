import ArgumentParser
import Dispatch
import Foundation
import ParticleSystems
import Studies
#if MPI
import RunStoreMPI
#endif

/// `rbm-study`: error, variance and cost studies of random-batch approximations.
/// Exit codes: 0 success, 1 a rejected claim (`check`), 2 bad input (one-line message), 3 an I/O
/// or library failure, or a run whose numbers are not finite; 130/143 interrupted by
/// SIGINT/SIGTERM (temporaries removed).
struct RBMStudy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbm-study",
        abstract: "Measure bias, variance, error versus time step and cost of random-batch approximations of interacting particle systems.",
        version: RunManifest.versionDescription,
        subcommands: [Convergence.self, VarianceSweep.self, WorkPrecision.self, Distributional.self, LongTime.self, Check.self, Merge.self])
}

/// Maps every failure to the documented exit codes with a one-line message on stderr.
func runMain() -> Never {
    do {
        var command = try RBMStudy.parseAsRoot()
        try command.run()
        exit(0)
    } catch {
        let (code, message) = failureReport(for: error)
        if code == 0 { RBMStudy.exit(withError: error) }  // --help, --version
        if code == 1 {
            TemporaryFiles.removeAll()
            exit(1)  // a rejected claim: the verdicts are already printed
        }
        fail(message, code: code)
    }
}

/// The exit code of `error` and its message: 2 and one line for bad input; 3 and one line for an
/// I/O, library or numerical failure; 1 and nothing for a rejected claim (the verdicts are
/// printed); 0 and the text for --help and --version.
func failureReport(for error: Error) -> (code: Int32, message: String) {
    switch error {
    case let error as InvalidInput: return (2, "error: \(error.option): \(error.message)")
    case let error as OutputError: return (3, "error: \(error.message)")
    case let error as NumericalFailure: return (3, "error: \(error.message)")
    case let error as InvalidProblem: return (2, "error: \(error.parameter): \(error.message)")
    case let code as ExitCode where code.rawValue == 1: return (1, "")
    default:
        if RBMStudy.exitCode(for: error) == .success { return (0, RBMStudy.fullMessage(for: error)) }
        let message = oneLine(RBMStudy.message(for: error)) ?? "\(error)"
        let isUsage = error is ValidationError || RBMStudy.exitCode(for: error) == .validationFailure
        return (isUsage ? 2 : 3, "error: \(message)")
    }
}

/// An argument parser message on one line: its first line, with the allowed values it lists
/// below as "- value" lines (an unknown `--estimator`, `--tokens`, …) joined after it.
func oneLine(_ message: String) -> String? {
    let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    guard let first = lines.first else { return nil }
    let values = lines.dropFirst().filter { $0.hasPrefix("- ") }.map { String($0.dropFirst(2)) }
    return values.isEmpty ? first : first + " " + values.joined(separator: ", ")
}

/// Prints `message` on one line (control characters escaped) and exits; temporaries are removed.
func fail(_ message: String, code: Int32) -> Never {
    TemporaryFiles.removeAll()
    writeStandardError(escapedForTerminal(message) + "\n")
    exit(code)
}

private let failNowLock = NSLock()

/// Ends a run from any thread at once (exit 3): a full disk or a non-finite trajectory stops a long
/// study when it happens instead of after the last trajectory. Temporaries are removed first.
func failNow(_ error: Error) -> Never {
    failNowLock.lock()  // never unlocked: the first thread reports, any other waits for the exit
    TemporaryFiles.removeAll()
    writeStandardError(escapedForTerminal("error: \(error)") + "\n")
    _exit(3)
}

/// SIGINT and SIGTERM: remove this run's temporaries and exit 130 / 143, so an interrupted run
/// leaves the previous complete files (or none) and no partial file. With `announce` a line on
/// stderr says so; the ranks of an MPI job stay silent, since mpirun stops every rank with SIGTERM
/// both on Ctrl-C and when one rank died, and a rank cannot tell which.
func installInterruptHandlers(announce: Bool) -> [DispatchSourceSignal] {
    [(SIGINT, Int32(130)), (SIGTERM, Int32(143))].map { signalNumber, code in
        signal(signalNumber, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
        source.setEventHandler {
            TemporaryFiles.removeAll()
            if announce {
                // A new line first when an interactive progress line may be open.
                writeStandardError((isatty(STDERR_FILENO) != 0 ? "\n" : "") + "rbm-study: interrupted; no partial file was kept (a convergence run into --out continues with --resume)\n")
            }
            _exit(code)
        }
        source.resume()
        return source
    }
}

StandardOutput.guardStandardDescriptors()
// A child process (gnuplot) that exits early must not kill the tool through SIGPIPE.
signal(SIGPIPE, SIG_IGN)
#if MPI
// Under mpirun with two or more ranks, convergence splits its trajectories over the ranks.
let world: MPIWorld?
do { world = try MPIWorld.join(describe: failureReport(for:)) } catch { fail(failureReport(for: error).message, code: 3) }
let interruptHandlers = installInterruptHandlers(announce: world == nil)
if let world { runOverRanks(world) }
#else
let interruptHandlers = installInterruptHandlers(announce: true)
#endif
runMain()
