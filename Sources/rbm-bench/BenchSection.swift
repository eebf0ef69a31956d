import ArgumentParser

/// The sections of rbm-bench; `rbm-bench SECTION` runs exactly one.
enum BenchSection: String, CaseIterable, ExpressibleByArgument {
    case peak
    case convergence
    case exactDrift = "exact-drift"
    case rbmStep = "rbm-step"
    case exactAttention = "exact-attention"
    case attentionMemory = "attention-memory"
    case sampling
    case structured
    case calibration

    /// One line for `--help`.
    var summary: String {
        switch self {
        case .peak: "dgemm GFLOP/s, c/√(1+a) rate (drift limit), copy GB/s"
        case .convergence: "default convergence study: wall, CPU, drift limit"
        case .exactDrift: "exact O(N²) pair drift: pairs/s vs the c/√(1+a) limit"
        case .rbmStep: "RBM-1 step N = 10³…10⁶: ns/particle, exponent, bandwidth"
        case .exactAttention: "exact attention N = 4096, d = 64 vs the dgemm peak"
        case .attentionMemory: "peak RSS of exact attention, N = 65 536 (child process)"
        case .sampling: "sampling estimators: draws/s, draw time / exact time"
        case .structured: "structured approximations, RBA steps: time vs N"
        case .calibration: "convergence --calibrate R: seconds per seed vs one run"
        }
    }

    func run(_ scale: BenchScale) throws -> [BenchFigure] {
        switch self {
        case .peak: PeakSection.run(scale)
        case .convergence: try ConvergenceSection.run(scale)
        case .exactDrift: ExactDriftSection.run(scale)
        case .rbmStep: RBMStepSection.run(scale)
        case .exactAttention: ExactAttentionSection.run(scale)
        case .attentionMemory: try AttentionMemorySection.run(scale)
        case .sampling: SamplingSection.run(scale)
        case .structured: try StructuredSection.run(scale)
        case .calibration: try CalibrationSection.run(scale)
        }
    }
}
