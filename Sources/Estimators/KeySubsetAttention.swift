import Foundation

/// One output row of attention restricted to a subset C of the keys, with weight 1 on the
/// token's own key and a common weight w on every other member:
///
///     sⱼ = β⟨qᵢ,kⱼ⟩,  m = max_{j∈C} sⱼ,  ωⱼ = (j = i ? 1 : w)·e^{sⱼ − m}
///     softmax:    ôᵢ = Σ_{j∈C} ωⱼ vⱼ / Σ_{j∈C} ωⱼ
///     mean field: ôᵢ = (e^m / N) Σ_{j∈C} ωⱼ vⱼ
///
/// The kernel of Horvitz–Thompson Bernoulli sampling (C the kept keys, w = 1/π). Random Batch
/// Attention computes the same form (C a batch, w = 1 or (N−1)/(s−1)) for a whole batch at once
/// through GEMMs (``RandomBatchAttention``). Max-shifted, so it overflows only when the result
/// does; the e^{sⱼ − m} come from ``ShiftedExponential`` (within 3 ulp of `exp`). O(|C|·(d_k + d_v)).
struct KeySubsetAttention {
    let queries: UnsafePointer<Double>
    let keys: UnsafePointer<Double>
    let values: UnsafePointer<Double>
    let keyDimension: Int
    let valueDimension: Int
    let beta: Double
    let meanField: Bool
    let tokens: Int

    init(_ inputs: AttentionInputs, queries: UnsafePointer<Double>, keys: UnsafePointer<Double>, values: UnsafePointer<Double>) {
        self.queries = queries
        self.keys = keys
        self.values = values
        keyDimension = inputs.keyDimension
        valueDimension = inputs.valueDimension
        beta = inputs.beta
        meanField = inputs.normalization == .meanField
        tokens = inputs.tokens
    }

    /// Writes ôᵢ into `row` (d_v entries); `scores` is scratch of at least |C| entries.
    @inline(__always)
    func row<Index: BinaryInteger>(_ i: Int, members: UnsafeBufferPointer<Index>, partnerWeight: Double,
                                   scores: UnsafeMutablePointer<Double>, into row: UnsafeMutablePointer<Double>) {
        let dk = keyDimension, dv = valueDimension
        let qi = queries + i * dk
        var shift = -Double.infinity
        for (b, member) in members.enumerated() {
            let kj = keys + Int(member) * dk
            var dot = 0.0
            for c in 0..<dk { dot += qi[c] * kj[c] }
            scores[b] = beta * dot
            shift = max(shift, scores[b])
        }
        row.update(repeating: 0, count: dv)
        ShiftedExponential.exponentiate(scores, count: members.count, shift: shift)
        var total = 0.0
        for (b, member) in members.enumerated() {
            var w = scores[b]
            if Int(member) != i { w *= partnerWeight }
            total += w
            let vj = values + Int(member) * dv
            for c in 0..<dv { row[c] += w * vj[c] }
        }
        let scale = meanField ? exp(shift) / Double(tokens) : 1 / total
        for c in 0..<dv { row[c] *= scale }
    }
}
