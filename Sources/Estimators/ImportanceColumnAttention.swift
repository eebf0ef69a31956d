import Foundation
import NumericsCore

/// Importance column sampling of attention O = B·V with the DKM-optimal probabilities
/// pⱼ ∝ ‖B⁽ʲ⁾‖·‖Vⱼ‖ (``ColumnSamplingPlan``). **Unbiased**, with
/// E‖Ôᵢ − Oᵢ‖² = (1/c)(Σⱼ B_{ij}²‖Vⱼ‖²/pⱼ − ‖Oᵢ‖²); summed over i the first term becomes
/// (Σⱼ ‖B⁽ʲ⁾‖‖Vⱼ‖)², which by Cauchy–Schwarz is at most the uniform value N·Σⱼ‖B⁽ʲ⁾‖²‖Vⱼ‖², with
/// equality only when all ‖B⁽ʲ⁾‖‖Vⱼ‖ are equal: importance wins when column norms are uneven.
///
/// An oracle like ``UniformColumnAttention`` (B and the probabilities need all N² scores,
/// prepared once per configuration); cost counted as c sampled columns per token. Columns with
/// pⱼ = 0 contribute nothing to O and are never drawn.
public struct ImportanceColumnAttention: ColumnSamplingAttention {
    public let samples: Int

    public init(samples: Int) {
        precondition(samples >= 1, "column samples c = \(samples) < 1")
        self.samples = samples
    }

    public var name: String { "importance-columns" }

    public func prepare(_ inputs: AttentionInputs) -> ColumnSamplingPlan {
        let weights = AttentionWeightMatrix(inputs)
        var p = zip(weights.columnNorms, weights.valueNorms).map { $0 * $1 }
        let total = p.reduce(0, +)
        if !total.isFinite { p = Self.scaledProbabilities(weights) }  // large mean-field β: ‖B⁽ʲ⁾‖² overflows
        if !(p.reduce(0, +) > 0) { p = [Double](repeating: 1, count: inputs.tokens) }  // O = 0: any p is exact
        return ColumnSamplingPlan(weights: weights, probabilities: p)
    }

    /// pⱼ ∝ ‖B⁽ʲ⁾‖·‖Vⱼ‖ computed in log space, log‖B⁽ʲ⁾‖ = log mⱼ + ½ log Σᵢ (B_{ij}/mⱼ)² with
    /// mⱼ = maxᵢ |B_{ij}|, and shifted by the largest log pⱼ: finite whenever B is, even when the
    /// squared column norms overflow (mean-field attention at β ≳ 355 on unit tokens). Columns with a
    /// non-finite entry of B get probability 0 (they make the output itself non-finite).
    public static func scaledProbabilities(_ weights: AttentionWeightMatrix) -> [Double] {
        let n = weights.tokens
        let logs: [Double] = (0..<n).map { j in
            var largest = 0.0
            for i in 0..<n { largest = max(largest, abs(weights.transposed[j, i])) }
            guard largest.isFinite, largest > 0, weights.valueNorms[j] > 0, weights.valueNorms[j].isFinite else { return -.infinity }
            var sum = 0.0
            for i in 0..<n { let r = weights.transposed[j, i] / largest; sum += r * r }
            return log(largest) + 0.5 * log(sum) + log(weights.valueNorms[j])
        }
        let shift = logs.max() ?? 0
        guard shift.isFinite else { return [Double](repeating: 0, count: n) }
        return logs.map { exp($0 - shift) }
    }
}
