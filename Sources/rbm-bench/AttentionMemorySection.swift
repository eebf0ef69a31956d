import Foundation
import Estimators
import NumericsCore

/// The argument that makes rbm-bench run only one exact attention evaluation (optionally followed
/// by the token count) and print its peak RSS; see ``attentionMemoryChild(tokens:)``.
let attentionMemoryChildFlag = "--attention-memory-child"
let attentionMemoryTokensFull = 65_536
private let attentionMemoryDimension = 64, attentionMemoryThreads = 2

/// Section `attention-memory`: exact attention at N = 65 536 (32 768 under quick), d = 64, 2 threads,
/// in a child process so its peak RSS (VmHWM) is its own. Limits: the theoretical footprint
/// Q, K, V, O (4·N·d·8 B) plus 2 × the per-worker scratch, and 2 GiB; `ratioToFootprint` and
/// `fractionOf2GiB` are the peak RSS over each. The child's GFLOP/s is divided by the 2-thread
/// dgemm peak measured in this run.
enum AttentionMemorySection {
    static func run(_ scale: BenchScale) throws -> [BenchFigure] {
        let n = scale.pick(full: attentionMemoryTokensFull, quick: 32_768), d = attentionMemoryDimension
        let peak = MachinePeak.dgemmGFLOPs(size: 2048, threads: attentionMemoryThreads, repeats: scale.repeats(5))
        let footprint = Double(4 * n * d * MemoryLayout<Double>.stride
                               + attentionMemoryThreads * ExactAttention.scratchBytes(keys: n)) / 1_048_576
        let fields = try runChild(tokens: n)
        func value(_ key: String) throws -> Double {
            guard let v = fields[key].flatMap(Double.init) else { throw BenchFailure("memory child printed no \(key)") }
            return v
        }
        let peakMiB = try value("VmHWM_MiB"), wall = try value("wall_s")
        let rate = exactAttentionFlops(tokens: n, dimension: d) / wall / 1e9
        return [
            BenchFigure("tokens", Double(n), "N"),
            BenchFigure("peakResidentMiB", peakMiB, "MiB"),
            BenchFigure("startResidentMiB", try value("start_RSS_MiB"), "MiB"),
            BenchFigure("footprintMiB", footprint, "MiB"),
            BenchFigure("ratioToFootprint", peakMiB / footprint, "ratio"),
            BenchFigure("fractionOf2GiB", peakMiB / 2048, "fraction"),
            BenchFigure("seconds.threads2", wall, "s"),
            BenchFigure("dgemmPeak.threads2", peak, "GFLOP/s"),
            BenchFigure("fractionOfDgemmPeak.threads2", rate / peak, "fraction"),
        ]
    }

    /// Runs this executable (via /proc/self/exe) with the child flag; its key=value report.
    private static func runChild(tokens: Int) throws -> [String: String] {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [attentionMemoryChildFlag, String(tokens)]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            throw BenchFailure("memory child failed (status \(process.terminationStatus))")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("attention-memory-child") }) else {
            throw BenchFailure("memory child printed no report")
        }
        var fields: [String: String] = [:]
        for token in line.split(separator: " ") {
            let parts = token.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }
}

/// The child side: one exact attention evaluation of N tokens, d = 64, 2 threads, then one line
/// with the peak RSS (VmHWM) in MiB, the RSS before the inputs existed and the evaluation's wall time.
func attentionMemoryChild(tokens n: Int) {
    let startMiB = Double((procStatusKilobytes("VmRSS:") ?? 0)) / 1024
    let inputs = randomAttentionInputs(tokens: n, dimension: attentionMemoryDimension, seed: 31)
    var out = Matrix(rows: n, columns: attentionMemoryDimension)
    let exact = ExactAttention(threads: attentionMemoryThreads)
    let wall = seconds { exact.estimate(inputs, into: &out, stream: RandomStream(seed: 31, purpose: .estimatorDraws)) }
    let finite = out.elements.allSatisfy { $0.isFinite }
    print(String(format: "attention-memory-child N=%d VmHWM_MiB=%.2f start_RSS_MiB=%.2f wall_s=%.4f finite=%@",
                 n, Double(procStatusKilobytes("VmHWM:") ?? 0) / 1024, startMiB, wall, finite ? "true" : "false"))
    fflush(nil)  // every output stream, stdout included (the parent reads the line through a pipe)
}

/// A "kB" field of /proc/self/status (e.g. "VmHWM:"), nil where /proc is unavailable.
private func procStatusKilobytes(_ field: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return nil }
    return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
}

/// A benchmark that could not measure what it reports (exit code 1 with this message).
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
