import NumericsCore

/// Column sampling of O = B·V with i.i.d. columns J₁ … J_c ~ p and weights 1/(c·p_J) (approximate
/// matrix multiplication, Drineas–Kannan–Mahoney 2006): Ô = Σₖ B⁽ᴶᵏ⁾ V_{Jₖ} / (c p_{Jₖ}).
/// Unbiased for any p with p_j > 0 wherever B⁽ʲ⁾Vⱼ ≠ 0, and row by row
///
///     E‖Ôᵢ − Oᵢ‖² = (1/c) ( Σⱼ B_{ij}² ‖Vⱼ‖² / pⱼ − ‖Oᵢ‖² )      (summing over i: the DKM identity).
///
/// The probabilities and B are prepared once per configuration; a draw costs O(c log N + N·c·d_v).
public struct ColumnSamplingPlan: Sendable {
    public let weights: AttentionWeightMatrix
    public let probabilities: [Double]
    let cumulative: [Double]

    /// The plan for B with column probabilities ∝ `probabilities` (normalised here).
    /// Probabilities that cannot be normalised as given (a negative, NaN or infinite entry, or a
    /// zero or overflowing sum) are first divided by their largest finite value, with +∞ entries
    /// taking all the mass; uniform ones replace them when nothing usable is left (B is then not
    /// finite, and the studies report the non-finite output).
    public init(weights: AttentionWeightMatrix, probabilities: [Double]) {
        precondition(probabilities.count == weights.tokens, "\(probabilities.count) column probabilities for N = \(weights.tokens)")
        var p = probabilities
        var total = p.reduce(0, +)
        if !(total.isFinite && total > 0 && p.allSatisfy({ $0 >= 0 && $0.isFinite })) {
            // +∞ entries take all the mass (the limit of normalising); NaN and negative ones none.
            p = p.contains(.infinity) ? p.map { $0 == .infinity ? 1 : 0 } : p.map { $0 >= 0 && $0.isFinite ? $0 : 0 }
            let largest = p.max() ?? 0
            if largest > 0 { p = p.map { $0 / largest } }
            total = p.reduce(0, +)
            if !(total > 0) { p = [Double](repeating: 1, count: p.count); total = Double(p.count) }
        }
        self.weights = weights
        self.probabilities = p.map { $0 / total }
        var running = 0.0
        cumulative = self.probabilities.map { running += $0; return running }
    }

    /// Index j with probability pⱼ (inverse CDF by binary search). O(log N).
    @inline(__always)
    func sample(_ stream: RandomStream) -> Int {
        let u = stream.uniform() * cumulative[cumulative.count - 1]
        var lo = 0, hi = cumulative.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulative[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        while probabilities[lo] == 0 && lo > 0 { lo -= 1 }  // never return a zero-probability column
        return lo
    }

    /// One draw of Ô with c columns into `out` (N×d_v).
    func estimate(_ inputs: AttentionInputs, samples c: Int, into out: inout Matrix, stream: RandomStream) {
        let n = inputs.tokens, dv = inputs.valueDimension
        precondition(out.rows == n && out.columns == dv && weights.tokens == n, "column sampling shapes")
        for k in out.elements.indices { out.elements[k] = 0 }
        weights.transposed.elements.withUnsafeBufferPointer { bt in
            inputs.values.elements.withUnsafeBufferPointer { v in
                out.elements.withUnsafeMutableBufferPointer { o in
                    for _ in 0..<c {
                        let j = sample(stream)
                        let scale = 1 / (Double(c) * probabilities[j])
                        let column = bt.baseAddress! + j * n, vj = v.baseAddress! + j * dv
                        for i in 0..<n {
                            let w = scale * column[i]
                            if w == 0 { continue }
                            let oi = o.baseAddress! + i * dv
                            for a in 0..<dv { oi[a] += w * vj[a] }
                        }
                    }
                }
            }
        }
    }

    /// The row-wise DKM identity above, with O = B·V computed from the prepared B.
    func theoreticalMeanSquaredError(_ inputs: AttentionInputs, samples c: Int) -> [Double] {
        let n = inputs.tokens, dv = inputs.valueDimension
        let o = BLAS.product(weights.transposed, transposeA: true, inputs.values)
        return (0..<n).map { i in
            var total = 0.0
            for j in 0..<n where probabilities[j] > 0 {
                let b = weights.transposed[j, i]
                total += b * b * weights.valueNorms[j] * weights.valueNorms[j] / probabilities[j]
            }
            var norm2 = 0.0
            for a in 0..<dv { norm2 += o[i, a] * o[i, a] }
            return max(0, total - norm2) / Double(c)
        }
    }
}
