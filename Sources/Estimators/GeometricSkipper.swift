import Foundation
import NumericsCore

/// Gaps between successes of i.i.d. Bernoulli(π) trials: G = ⌊log U / log(1−π)⌋ ~ Geometric
/// (failures before the first success), so walking a list by 1 + G visits each item independently
/// with probability π. π = 1 gives G = 0 without drawing.
public struct GeometricSkipper: Sendable {
    public let keepProbability: Double
    private let logComplement: Double

    public init(keepProbability: Double) {
        precondition(keepProbability > 0 && keepProbability <= 1, "π = \(keepProbability) ∉ (0, 1]")
        self.keepProbability = keepProbability
        logComplement = log1p(-keepProbability)
    }

    /// The next gap (number of skipped items). Capped at Int32.max.
    @inline(__always)
    public mutating func next(_ stream: RandomStream) -> Int {
        if keepProbability >= 1 { return 0 }
        let gap = (log(stream.uniform()) / logComplement).rounded(.down)
        return gap < Double(Int32.max) ? Int(gap) : Int(Int32.max)
    }
}
