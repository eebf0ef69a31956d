import NumericsCore

/// Uniform column sampling of the interaction sum: c column indices J₁ … J_c are drawn
/// i.i.d. uniformly from all N particles **once per call and shared by every particle** (the
/// matrix view Y = K·1/(N−1) sampled by columnswith pⱼ = 1/N), and
///
///     ŷᵢ = (N/(c(N−1))) Σₖ 1[Jₖ ≠ i] · k(xᵢ, x_{Jₖ}).
///
/// Unbiased; one term T = (N/(N−1))·1[J≠i]·k(xᵢ,x_J) has E‖T‖² = N·Σ_{j≠i}‖kᵢⱼ‖²/(N−1)², so
/// (the Drineas–Kannan–Mahoney identity, row by row)
///
///     E‖ŷᵢ − yᵢ‖² = (1/c) · ( N/(N−1)² · Σ_{j≠i} ‖kᵢⱼ‖² − ‖yᵢ‖² ).
///
/// Because the columns are shared, the errors of different particles are strongly correlated
/// (unlike Bernoulli or random batch). **Importance** column sampling (pⱼ ∝ ‖K⁽ʲ⁾‖) is not offered
/// on particle sums: the optimal probabilities depend on every pair, so computing them costs the
/// O(N²) exact sum itself; it is offered on attention (``ImportanceColumnAttention``), where it
/// is an oracle for the DKM identity.
///
/// Cost: c(N−1)/N interactions per particle in expectation (a column equal to i is skipped),
/// O(N·c·d) time, c indices of scratch.
public struct UniformColumnInteractionSum: InteractionSumVarianceLaw {
    public let samples: Int

    public init(samples: Int) {
        precondition(samples >= 1, "column samples c = \(samples) < 1")
        self.samples = samples
    }

    public var name: String { "uniform-columns" }
    public var size: Double? { Double(samples) }
    public var isUnbiased: Bool { true }
    public func expectedCost(particles n: Int) -> Double { Double(samples) * Double(n - 1) / Double(n) }

    public func estimate(interaction: any PairInteraction, positions: UnsafeBufferPointer<Double>,
                         particles n: Int, dimension d: Int, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        precondition(n >= 2 && positions.count >= n * d && out.count >= n * d, "uniform columns: N = \(n)")
        let c = samples, block = EstimatorWorkspace.targetBlock
        // The shared columns go into the workspace's partner buffer (grown on first use).
        if workspace.partners.count < c { workspace.partners = [Int32](repeating: 0, count: c) }
        for k in 0..<c { workspace.partners[k] = Int32(stream.uniformInt(below: n)) }
        let x = positions.baseAddress!, y = out.baseAddress!
        let weight = Double(n) / (Double(c) * Double(n - 1))
        for t in 0..<block {
            workspace.listStarts[t] = 0
            workspace.listLengths[t] = c
        }
        workspace.partners.withUnsafeBufferPointer { columns in
            workspace.listStarts.withUnsafeBufferPointer { starts in
                workspace.listLengths.withUnsafeBufferPointer { lengths in
                    for first in stride(from: 0, to: n, by: block) {
                        interaction.listedSums(targets: first..<min(n, first + block), sources: columns.baseAddress!,
                                               starts: starts.baseAddress!, lengths: lengths.baseAddress!, positions: x,
                                               dimension: d, weight: weight, into: y)
                    }
                }
            }
        }
    }

    public func theoreticalMeanSquaredError(_ moments: InteractionTermMoments) -> [Double] {
        let n = Double(moments.particles)
        return (0..<moments.particles).map { i in
            (n / ((n - 1) * (n - 1)) * moments.rawSecondMoment[i] - moments.meanSquaredNorm(of: i)) / Double(samples)
        }
    }
}
