import Foundation
import Studies

/// How a ``ConvergenceCompanion`` is written: its file under `--out`, its table after the
/// convergence table, its JSON and its notebook section.
extension ConvergenceCompanion {
    public var artifactName: String {
        switch self {
        case .thomson: return "thomson-energies.json"
        case .opinion: return "opinion-clusters.json"
        }
    }

    public var table: String {
        switch self {
        case .thomson(let r): return r.table()
        case .opinion(let r): return r.table()
        }
    }

    public func json() throws -> Data {
        switch self {
        case .thomson(let r): return try r.json()
        case .opinion(let r): return try r.json()
        }
    }

    /// The notebook section: what is measured, how, and the table.
    public var markdown: [String] {
        switch self {
        case .thomson(let r):
            return ["## Energies reached", "",
                    "The gradient flow of E/(N−1) on S² (projected Euler, renormalised after each step, so a step moves a charge by less than a right angle however strong the force) from \(r.trajectories) uniform starts with separation ≥ 1/√N. The exact flow (rk8pd) is compared with the known minimum; projected Euler with the exact sum and with RBM at each τ, and RBM with a decreasing step, are compared by their gap \(r.gapName) (mean ± 1 SE). With a fixed τ RBM keeps fluctuating around the minimum; the constant-step SGD heuristic predicts a gap ∝ τ (order 1), a heuristic and not a theorem for this singular kernel, so the fitted order carries no verdict.", "",
                    "```", r.table(), "```", ""]
        case .opinion(let r):
            return ["## Clusters over time", "",
                    "A cluster is a maximal group of opinions whose consecutive gaps (after sorting) are below \(format(r.gapThreshold)), half the confidence radius. The kernel 1{|z| ≤ 1}·z is bounded but discontinuous: the batch drift is still an unbiased estimate of the full drift at every configuration (the consistency lemma of Jin–Li–Liu, arXiv 1812.10575, needs only that), but the O(√τ) strong bound assumes a Lipschitz kernel and does not apply, so the batch-error orders above are measured without a verdict. A particle near the edge of another's confidence interval is attracted or not according to its batch, which can change which clusters form; the paired difference below measures that effect on the count.", "",
                    "```", r.table(), "```", ""]
        }
    }
}
