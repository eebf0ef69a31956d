import Estimators
import Foundation
import NumericsCore

/// The common curve γ(t) followed by all pairwise inner products ⟨xᵢ(t),xⱼ(t)⟩ when d → ∞ with
/// i.i.d. uniform initial tokens on the sphere and Q = K = V = I (Geshkovski et al.,
/// arXiv 2312.10794):
///
///     SA:  γ̇ = 2e^{βγ}(1−γ)(1+(N−1)γ) / (e^{β} + (N−1)e^{βγ})
///     USA: γ̇ = (2/N) e^{βγ}(1−γ)(1+(N−1)γ),      γ(0) = 0,
///
/// with deviation O(d^{−1/2}). Solved by GSL's rk8pd with 10⁻¹² tolerances.
public struct LargeDimensionCurve: Sendable {
    public let tokens: Int
    public let beta: Double
    public let normalization: AttentionNormalization

    public init(tokens: Int, beta: Double, normalization: AttentionNormalization) {
        self.tokens = tokens
        self.beta = beta
        self.normalization = normalization
    }

    /// γ̇ at γ.
    public func rate(_ gamma: Double) -> Double {
        let n = Double(tokens), growth = exp(beta * gamma) * (1 - gamma) * (1 + (n - 1) * gamma)
        switch normalization {
        case .softmax: return 2 * growth / (exp(beta) + (n - 1) * exp(beta * gamma))
        case .meanField: return 2 * growth / n
        }
    }

    /// γ at each of `times` (nondecreasing, ≥ 0).
    public func values(at times: [Double]) throws -> [Double] {
        let solver = AdaptiveODESolver(dimension: 1) { _, y, dy in dy[0] = rate(y[0]) }
        var state = [0.0], now = 0.0, result: [Double] = []
        for t in times {
            precondition(t >= now, "times must be nondecreasing")
            if t > now { try solver.solve(&state, from: now, to: t) }
            now = t
            result.append(state[0])
        }
        return result
    }
}
