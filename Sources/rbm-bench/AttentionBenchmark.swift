// rbm-bench, section "attention (issue 3)": exact attention against the machine's dgemm peak,
// its memory footprint at N = 65 536 (measured in a child process so the peak RSS is its own),
// the reference's own error, and the step time of RBA and exact attention dynamics against N.
//
// main.swift calls `runAttentionBenchmark()` and dispatches `attentionMemoryChildFlag` to
// `attentionMemoryChild()` before anything else runs.
import Foundation
import AttentionAsDynamics
import Estimators
import NumericsCore
import ParticleSystems

/// The argument that makes rbm-bench run only the N = 65 536 exact attention evaluation and
/// report its peak RSS (see ``attentionMemoryChild()``).
public let attentionMemoryChildFlag = "--attention-memory-child"

/// Tokens, dimension and threads of the memory measurement.
private let attentionMemoryTokens = 65_536, attentionMemoryDimension = 64, attentionMemoryThreads = 2

private func attentionElapsed(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Median and minimum over `repeats` timings of `body`.
private func attentionTimings(repeats: Int, _ body: () -> Void) -> (median: Double, best: Double) {
    let times = (0..<repeats).map { _ in attentionElapsed(body) }.sorted()
    return (times[times.count / 2], times[0])
}

/// Exact-attention inputs from random tokens X (N×d, N(0, 1)) and random maps Q, K, V
/// (entries N(0, 1/d)), β = 1/√d, softmax. X is released on return.
private func attentionRandomInputs(tokens n: Int, dimension d: Int, seed: UInt64) -> AttentionInputs {
    let stream = RandomStream(seed: seed, purpose: .configuration)
    let maps = AttentionMaps.random(d, stream: stream)
    var x = Matrix(rows: n, columns: d)
    stream.fillGaussian(&x.elements)
    return maps.inputs(tokens: x, beta: 1 / Double(d).squareRoot(), normalization: .softmax)
}

/// Peak resident set size of this process in bytes (VmHWM from /proc/self/status; getrusage's
/// ru_maxrss where /proc is unavailable).
private func attentionPeakResidentBytes() -> Int {
    if let kB = attentionProcStatusKilobytes("VmHWM:") { return kB * 1024 }
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

/// A "kB" field of /proc/self/status (e.g. "VmHWM:", "VmRSS:"), nil where /proc is unavailable.
private func attentionProcStatusKilobytes(_ field: String) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }) else { return nil }
    return Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
}

private func attentionMiB(_ bytes: Int) -> Double { Double(bytes) / 1_048_576 }

/// Q, K, V, output and the per-worker score scratch of ``ExactAttention`` for N tokens.
private func attentionTheoreticalBytes(tokens n: Int, dimension d: Int, threads: Int) -> Int {
    4 * n * d * MemoryLayout<Double>.stride + threads * ExactAttention.scratchBytes(keys: n)
}

/// The child side of the memory measurement (`rbm-bench --attention-memory-child`): one exact
/// attention evaluation at N = 65 536, d = 64 with 2 threads, then one line on stdout with the
/// peak RSS (VmHWM) in MiB and the wall time of the evaluation.
func attentionMemoryChild() {
    let n = attentionMemoryTokens, d = attentionMemoryDimension
    let startMiB = attentionMiB((attentionProcStatusKilobytes("VmRSS:") ?? 0) * 1024)
    var wall = 0.0, finite = false
    do {
        let inputs = attentionRandomInputs(tokens: n, dimension: d, seed: 31)
        var out = Matrix(rows: n, columns: d)
        let exact = ExactAttention(threads: attentionMemoryThreads)
        wall = attentionElapsed { exact.estimate(inputs, into: &out, stream: RandomStream(seed: 31, purpose: .estimatorDraws)) }
        finite = out.elements.allSatisfy { $0.isFinite }
    }
    print(String(format: "attention-memory-child N=%d d=%d threads=%d VmHWM_MiB=%.2f start_RSS_MiB=%.2f wall_s=%.3f finite=%@",
                 n, d, attentionMemoryThreads, attentionMiB(attentionPeakResidentBytes()), startMiB, wall, finite ? "true" : "false"))
    fflush(stdout)
}

/// Runs this executable (resolved through /proc/self/exe, else CommandLine.arguments[0]) with
/// `attentionMemoryChildFlag` and returns the child's key=value report and its lifetime in
/// seconds; nil (after printing why) when the child cannot start, fails or prints no report.
private func runAttentionMemoryChild() -> (fields: [String: String], lifetime: Double)? {
    let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
        ?? CommandLine.arguments[0]
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = [attentionMemoryChildFlag]
    let pipe = Pipe()
    process.standardOutput = pipe
    var data = Data(), launchError: Error? = nil
    let lifetime = attentionElapsed {
        do { try process.run() } catch {
            launchError = error
            return
        }
        data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
    }
    if let launchError {
        print("   memory child could not start (\(executable)): \(launchError)")
        return nil
    }
    guard process.terminationReason == .exit, process.terminationStatus == 0 else {
        print("   memory child failed (status \(process.terminationStatus)); did main.swift dispatch \(attentionMemoryChildFlag)?")
        return nil
    }
    let text = String(decoding: data, as: UTF8.self)
    guard let line = text.split(separator: "\n").last(where: { $0.hasPrefix("attention-memory-child") }) else {
        print("   memory child printed no report; did main.swift dispatch \(attentionMemoryChildFlag)? Output: \(text.prefix(200))")
        return nil
    }
    var fields: [String: String] = [:]
    for token in line.split(separator: " ") {
        let parts = token.split(separator: "=", maxSplits: 1)
        if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
    }
    return (fields, lifetime)
}

/// One Euler step (plus the retraction onto the sphere) of attention dynamics with the given
/// estimator, from uniform tokens on S^{d−1}, identity maps, β = 1: median over `repeats` timings
/// of `steps` consecutive steps, divided by `steps`.
private func attentionStepTime(tokens n: Int, dimension d: Int, estimator: any AttentionEstimator,
                               repeats: Int, steps: Int) -> Double {
    let dynamics = AttentionDynamics(tokens: n, dimension: d, maps: .identity(d), beta: 1,
                                     normalization: .softmax, geometry: .sphere)
    let drift = AttentionDrift(dynamics: dynamics, estimator: estimator)
    var x = try! TokenSet.uniformSphere.tokens(count: n, dimension: d,
                                               stream: RandomStream(seed: 7, purpose: .initialCondition)).elements
    let workspace = IntegratorWorkspace(particles: n, dimension: d)
    let stream = RandomStream(seed: 7, purpose: .batchPartition)
    let integrator = EulerMaruyamaIntegrator()
    return attentionTimings(repeats: repeats) {
        for _ in 0..<steps {
            integrator.step(&x, timeStep: 0.01, brownianIncrement: nil, drift: drift, workspace: workspace, stream: stream)
            drift.retract(&x)
        }
    }.median / Double(steps)
}

/// Least-squares slope of log t on log N.
private func attentionExponent(_ n: [Int], _ t: [Double]) -> Double {
    let fit = try? WeightedLinearFit(x: n.map { log(Double($0)) }, y: t.map { log($0) },
                                     weights: Array(repeating: 1, count: n.count))
    return fit?.slope ?? .nan
}

/// Section "attention (issue 3)" of rbm-bench.
func runAttentionBenchmark() {
    let cores = availableCores
    let threadCounts = Array(Set([1, cores])).sorted()
    print("\nattention (issue 3): exact blocked attention against the dgemm peak, its memory at N = 65 536, RBA step time against N")

    // 1. dgemm peak, this run.
    var peak: [Int: Double] = [:]
    do {
        let size = 2048
        let stream = RandomStream(seed: 3, purpose: .configuration)
        var a = Matrix(rows: size, columns: size), b = a
        let c = Matrix(rows: size, columns: size)
        stream.fillGaussian(&a.elements)
        stream.fillGaussian(&b.elements)
        let flops = 2 * pow(Double(size), 3)
        var line = "   dgemm peak (2048×2048·2048×2048, best of 3):"
        for threads in threadCounts {
            BLAS.setThreads(threads)
            var product = c
            BLAS.gemm(a, b, into: &product)  // warm-up (thread pool, buffers)
            let best = attentionTimings(repeats: 3) { BLAS.gemm(a, b, into: &product) }.best
            peak[threads] = flops / best / 1e9
            line += String(format: "  %d thread%@ %.1f GFLOP/s", threads, threads == 1 ? "" : "s", peak[threads]!)
        }
        print(line)
    }

    // 2. Exact attention throughput at N = 4096, d = 64; the reference error of the same output.
    do {
        let n = 4096, d = 64
        let inputs = attentionRandomInputs(tokens: n, dimension: d, seed: 32)
        var out = Matrix(rows: n, columns: d)
        let flops = 4 * Double(n) * Double(n) * Double(d)
        print("   exact attention N = 4096, d = 64, β = 1/√d, softmax, random tokens and maps (FLOPs ≈ 4·N²·d = \(String(format: "%.2e", flops))), median of 5:")
        for threads in threadCounts {
            let exact = ExactAttention(threads: threads)
            exact.estimate(inputs, into: &out, stream: RandomStream(seed: 32, purpose: .estimatorDraws))  // warm-up
            let t = attentionTimings(repeats: 5) { exact.estimate(inputs, into: &out, stream: RandomStream(seed: 32, purpose: .estimatorDraws)) }.median
            let rate = flops / t / 1e9
            print(String(format: "     %d thread%@: %.3f s  %.1f GFLOP/s  = %.0f%% of the %d-thread dgemm peak (%.1f GFLOP/s)",
                         threads, threads == 1 ? " " : "s", t, rate, 100 * rate / peak[threads]!, threads, peak[threads]!))
        }
        // Where the gap to the peak goes: the same blocked GEMMs alone (S = β·Q_b·Kᵀ, then S·V), one thread.
        BLAS.setThreads(1)
        let block = ExactAttention.blockRows(keys: n)
        let scores = UnsafeMutablePointer<Double>.allocate(capacity: block * n)
        defer { scores.deallocate() }
        let gemmOnly = attentionTimings(repeats: 5) {
            inputs.queries.elements.withUnsafeBufferPointer { q in
                inputs.keys.elements.withUnsafeBufferPointer { k in
                    inputs.values.elements.withUnsafeBufferPointer { v in
                        out.elements.withUnsafeMutableBufferPointer { o in
                            for first in stride(from: 0, to: n, by: block) {
                                let rows = min(block, n - first)
                                BLAS.gemm(m: rows, n: n, k: d, alpha: inputs.beta, q.baseAddress! + first * d, leadingDimension: d,
                                          k.baseAddress!, leadingDimension: d, transposeB: true, into: scores, leadingDimension: n)
                                BLAS.gemm(m: rows, n: d, k: n, scores, leadingDimension: n, v.baseAddress!, leadingDimension: d,
                                          into: o.baseAddress! + first * d, leadingDimension: d)
                            }
                        }
                    }
                }
            }
        }.median
        print(String(format: "     the two blocked GEMMs alone (block %d rows, 1 thread): %.3f s = %.1f GFLOP/s (%.0f%% of peak); the rest of the 1-thread time is the row max, exp and compensated sums over N² scores",
                     block, gemmOnly, flops / gemmOnly / 1e9, 100 * flops / gemmOnly / 1e9 / peak[1]!))
        ExactAttention().estimate(inputs, into: &out, stream: RandomStream(seed: 32, purpose: .estimatorDraws))
        let error = ExactAttention().referenceError(inputs, output: out, sampleRows: 16,
                                                   stream: RandomStream(seed: 32, purpose: .bootstrap))
        print(String(format: "     reference error (max relative row error over 16 sampled rows vs the compensated evaluation): %.2e", error))
    }

    // 3. Memory at N = 65 536, d = 64: the child's own peak RSS next to the theoretical footprint.
    do {
        let n = attentionMemoryTokens, d = attentionMemoryDimension
        let inputBytes = 4 * n * d * MemoryLayout<Double>.stride
        let scratch = ExactAttention.scratchBytes(keys: n)
        let theory = attentionTheoreticalBytes(tokens: n, dimension: d, threads: attentionMemoryThreads)
        print(String(format: "   exact attention N = %d, d = %d, %d threads, in a child process (block %d rows):", n, d, attentionMemoryThreads,
                     ExactAttention.blockRows(keys: n)))
        print(String(format: "     theoretical footprint: Q, K, V, O = 4·N·d·8 B = %.1f MiB + %d × scratch %.1f MiB = %.1f MiB (N×N scores would be %.1f GiB)",
                     attentionMiB(inputBytes), attentionMemoryThreads, attentionMiB(scratch), attentionMiB(theory),
                     Double(n) * Double(n) * 8 / 1_073_741_824))
        if let (fields, lifetime) = runAttentionMemoryChild(), let peakMiB = fields["VmHWM_MiB"].flatMap(Double.init),
           let wall = fields["wall_s"].flatMap(Double.init) {
            var children = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &children)
            let limit = 2048.0
            let startMiB = fields["start_RSS_MiB"].flatMap(Double.init) ?? .nan
            print(String(format: "     measured peak RSS (VmHWM): %.1f MiB = %.2f × theory; excess %.1f MiB = %.1f MiB resident at start (runtime, libraries) + %.1f MiB (BLAS buffers, allocator)  → %@ 2 GiB",
                         peakMiB, peakMiB / attentionMiB(theory), peakMiB - attentionMiB(theory), startMiB,
                         peakMiB - attentionMiB(theory) - startMiB, peakMiB < limit ? "under" : "NOT under"))
            print(String(format: "     getrusage(RUSAGE_CHILDREN) max RSS %.1f MiB; evaluation %.2f s (%.1f GFLOP/s), child lifetime %.2f s, output finite: %@",
                         Double(children.ru_maxrss) / 1024, wall, 4 * Double(n) * Double(n) * Double(d) / wall / 1e9,
                         lifetime, fields["finite"] ?? "?"))
        }
    }

    // 4. Step time against N: RBA (p = 32) vs exact, one Euler step of attention dynamics.
    do {
        let d = 16
        print("   attention dynamics step (Euler + retraction, sphere, d = 16, identity maps, β = 1, softmax, one thread), median time per step (steps batched below N = 65 536):")
        BLAS.setThreads(1)
        let rbaSizes = [1 << 10, 1 << 12, 1 << 14, 1 << 16, 1 << 18]
        var rbaTimes: [Double] = []
        for n in rbaSizes {
            let t = attentionStepTime(tokens: n, dimension: d, estimator: RandomBatchAttention(batchSize: 32),
                                      repeats: n <= 1 << 16 ? 5 : 3, steps: max(1, (1 << 16) / n))
            rbaTimes.append(t)
            print(String(format: "     rba p = 32  N = %-7d %.3e s/step  (%.1f ns per token)", n, t, t / Double(n) * 1e9))
        }
        let exactSizes = [1 << 10, 1 << 12, 1 << 13]
        var exactTimes: [Double] = []
        for n in exactSizes {
            let t = attentionStepTime(tokens: n, dimension: d, estimator: ExactAttention(),
                                      repeats: n <= 1 << 12 ? 5 : 3, steps: max(1, (1 << 12) / n))
            exactTimes.append(t)
            print(String(format: "     exact       N = %-7d %.3e s/step  (%.1f ns per token)", n, t, t / Double(n) * 1e9))
        }
        print(String(format: "     fitted scaling (least squares on log-log): rba time ∝ N^%.3f (5 sizes; expected ≈ 1), exact time ∝ N^%.3f (3 sizes; expected ≈ 2)",
                     attentionExponent(rbaSizes, rbaTimes), attentionExponent(exactSizes, exactTimes)))
        print(String(format: "     exact / rba step time: %.0f× at N = 1024, %.0f× at N = 4096",
                     exactTimes[0] / rbaTimes[0], exactTimes[1] / rbaTimes[1]))
    }
}
