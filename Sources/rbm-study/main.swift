import ArgumentParser
import Foundation
import Studies

/// `rbm-study`: error, variance and cost studies of random-batch approximations.
/// Exit codes: 0 success, 2 bad input (one-line message), 3 an I/O or library failure.
/// (Code 1 is reserved for rejected claims, once a `check` subcommand exists.)
struct RBMStudy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rbm-study",
        abstract: "Measure bias, variance, error versus time step and cost of random-batch approximations of interacting particle systems.",
        subcommands: [Convergence.self, VarianceSweep.self, WorkPrecision.self])
}

/// Maps every failure to the documented exit codes with a one-line message on stderr.
func runMain() -> Never {
    do {
        var command = try RBMStudy.parseAsRoot()
        try command.run()
        exit(0)
    } catch let error as InvalidInput {
        fail("error: \(error.option): \(error.message)", code: 2)
    } catch {
        if RBMStudy.exitCode(for: error) == .success { RBMStudy.exit(withError: error) }
        let message = RBMStudy.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
        let isUsage = error is ValidationError || RBMStudy.exitCode(for: error) == .validationFailure
        fail("error: \(message)", code: isUsage ? 2 : 3)
    }
}

func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(code)
}

// A child process (gnuplot) that exits early must not kill the tool through SIGPIPE.
signal(SIGPIPE, SIG_IGN)
runMain()
