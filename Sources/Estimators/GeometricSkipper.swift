import Foundation
import NumericsCore

/// Gaps between successes of i.i.d. Bernoulli(π) trials: G = ⌊log U / log(1−π)⌋ ~ Geometric
/// (failures before the first success), so walking a list by 1 + G visits each item independently
/// with probability π. π = 1 gives G = 0 without drawing.
///
/// **Evaluation.** The gap is the value of the floating-point expression ⌊fl(log U / c)⌋,
/// c = log1p(−π), capped at Int32.max, bit for bit; the division is replaced by a product
/// where that cannot change the floor. With r = fl(1/c) and q = fl(log U · r), q and
/// g = fl(log U / c) both lie within 2⁻⁵²·|log U / c| of the exact quotient (one rounding for g;
/// three for q, each ≤ 2⁻⁵³), so |q − g| < 2⁻⁵⁰·q. If the integer t = ⌊q⌋ (q < 2³⁰) has
/// q − t ≥ 2⁻⁴⁸·q and t + 1 − q ≥ 2⁻⁴⁸·q, then t < g < t + 1 and ⌊g⌋ = t (the two differences
/// are computed exactly whenever they are small, by Sterbenz's lemma, so neither test can pass
/// wrongly); otherwise (probability ≈ 2⁻⁴⁷·E[G] per gap) the quotient itself is computed. For g ≥ 0, ⌊g⌋ is the truncation Int(g), so no call
/// to floor is needed either. The draws and the gaps are therefore those of the plain formula.
///
/// **The logarithm.** The product is first formed from an approximation ℓ of log U that the stream
/// computes for a whole buffer of uniforms at once (``RandomStream/uniformWithApproximateLog()``,
/// vectorised, measured within 2 ulp of `log`). If |ℓ − fl(log U)| ≤ 2⁶ ulp ≤ 2⁻⁴⁶·|log U|, then
/// q′ = fl(ℓ·r) lies within (2⁻⁴⁶ + 2⁻⁵²)·q′ of the exact quotient and |q′ − g| < 2⁻⁴⁵·q′, so the
/// same argument with the margin 2⁻⁴⁴·q′ gives ⌊g⌋ = ⌊q′⌋; only when q′ falls inside that margin
/// (probability ≈ 2⁻⁴³·E[G]) is `log` itself called and the steps above taken. The gaps are still
/// those of the plain formula, draw for draw.
/// Cost: one uniform and an eighth of a vector logarithm per gap.
public struct GeometricSkipper: Sendable {
    public let keepProbability: Double
    private let logComplement: Double
    private let reciprocalLogComplement: Double

    public init(keepProbability: Double) {
        precondition(keepProbability > 0 && keepProbability <= 1, "π = \(keepProbability) ∉ (0, 1]")
        self.keepProbability = keepProbability
        logComplement = log1p(-keepProbability)
        reciprocalLogComplement = 1 / logComplement
    }

    /// The next gap (number of skipped items): ⌊log U / log(1−π)⌋, capped at Int32.max.
    @inline(__always)
    public mutating func next(_ stream: RandomStream) -> Int {
        if keepProbability >= 1 { return 0 }
        let (u, approximateLog) = stream.uniformWithApproximateLog()
        let estimate = approximateLog * reciprocalLogComplement
        if estimate < 0x1p30 {
            let t = Double(Int(estimate)), margin = estimate * 0x1p-44
            if estimate - t >= margin && (t + 1) - estimate >= margin { return Int(t) }
        }
        let logU = log(u)
        let q = logU * reciprocalLogComplement
        if q < 0x1p30 {
            let t = Double(Int(q)), margin = q * 0x1p-48
            if q - t >= margin && (t + 1) - q >= margin { return Int(t) }
        }
        return Self.gap(logU: logU, logComplement: logComplement)
    }

    /// ⌊log U / log(1−π)⌋ capped at Int32.max, by the quotient itself.
    @inline(__always)
    static func gap(logU: Double, logComplement: Double) -> Int {
        let gap = logU / logComplement  // ≥ 0: both factors are negative (or gap = +∞)
        return gap < Double(Int32.max) ? Int(gap) : Int(Int32.max)
    }
}
