import NumericsCore

/// Per-particle moments of the interaction terms kᵢⱼ = k(xᵢ, xⱼ), j ≠ i, at a fixed configuration
/// x ∈ ℝ^{N×d}: everything the closed-form variance laws of the sampling schemes need.
///
///     yᵢ  = (1/(N−1)) Σ_{j≠i} kᵢⱼ                     (the estimand)
///     Sᵢ  = Σ_{j≠i} ‖kᵢⱼ‖²                             (raw second moment: Bernoulli, columns)
///     Λᵢ  = (1/(N−2)) Σ_{j≠i} ‖kᵢⱼ − yᵢ‖²              (spread: random batch)
///
/// Two passes (mean, then centred squares), so Λᵢ does not suffer the cancellation of
/// Sᵢ − (N−1)‖yᵢ‖². Cost O(N²·d) time, O(N·d) memory. Requires N ≥ 3.
public struct InteractionTermMoments: Sendable {
    public let particles: Int
    public let dimension: Int
    /// yᵢ, row-major N×d.
    public let mean: [Double]
    /// Sᵢ = Σ_{j≠i} ‖kᵢⱼ‖².
    public let rawSecondMoment: [Double]
    /// Λᵢ = (1/(N−2)) Σ_{j≠i} ‖kᵢⱼ − yᵢ‖².
    public let spread: [Double]

    public init(interaction: any PairInteraction, positions: [Double], particles n: Int, dimension d: Int) {
        precondition(n >= 3 && positions.count == n * d, "InteractionTermMoments needs N ≥ 3 and N·d positions (N = \(n), d = \(d))")
        particles = n
        dimension = d
        var mean = [Double](repeating: 0, count: n * d)
        var raw = [Double](repeating: 0, count: n), spread = [Double](repeating: 0, count: n)
        var term = [Double](repeating: 0, count: d)
        positions.withUnsafeBufferPointer { px in
            let x = px.baseAddress!
            mean.withUnsafeMutableBufferPointer { m in
                for i in 0..<n {
                    interaction.accumulateSum(target: i, count: n, positions: x, dimension: d,
                                              weight: 1 / Double(n - 1), into: m.baseAddress! + i * d)
                }
            }
            for i in 0..<n {
                var s = 0.0, c2 = 0.0
                for j in 0..<n where j != i {
                    for c in 0..<d { term[c] = 0 }
                    interaction.accumulate(x + i * d, x + j * d, dimension: d, weight: 1, into: &term)
                    for c in 0..<d {
                        s += term[c] * term[c]
                        let e = term[c] - mean[i * d + c]
                        c2 += e * e
                    }
                }
                raw[i] = s
                spread[i] = c2 / Double(n - 2)
            }
        }
        self.mean = mean
        rawSecondMoment = raw
        self.spread = spread
    }

    /// ‖yᵢ‖².
    public func meanSquaredNorm(of i: Int) -> Double {
        (0..<dimension).reduce(0) { $0 + mean[i * dimension + $1] * mean[i * dimension + $1] }
    }
}
