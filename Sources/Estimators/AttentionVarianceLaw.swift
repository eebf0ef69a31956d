import Foundation
import NumericsCore

/// An attention estimator whose mean squared error at fixed inputs has a closed form.
/// For an unbiased estimator this is its variance E‖Ôᵢ − Oᵢ‖² (O = ``AttentionEstimator/exactTarget(_:)``).
public protocol AttentionVarianceLaw: AttentionEstimator {
    /// E‖Ôᵢ − Oᵢ‖² for every token i, or nil when no closed form exists for these inputs
    /// (e.g. a ratio estimator under softmax normalisation).
    func theoreticalMeanSquaredError(_ inputs: AttentionInputs) -> [Double]?
}

/// Scores sᵢⱼ = β⟨qᵢ, kⱼ⟩ of query i against every key, written to `row[0..<N]`. O(N·d_k).
@inline(__always)
func attentionScores(of i: Int, _ inputs: AttentionInputs, q: UnsafePointer<Double>, k: UnsafePointer<Double>,
                     into row: UnsafeMutablePointer<Double>) {
    let n = inputs.tokens, dk = inputs.keyDimension
    let qi = q + i * dk
    for j in 0..<n {
        let kj = k + j * dk
        var dot = 0.0
        for c in 0..<dk { dot += qi[c] * kj[c] }
        row[j] = inputs.beta * dot
    }
}

/// Per-token statistics of the mean-field terms fᵢⱼ = e^{sᵢⱼ} vⱼ over the others j ≠ i:
/// (Σ_{j≠i} ‖fᵢⱼ‖², Λᵢ = (1/(N−2)) Σ_{j≠i} ‖fᵢⱼ − f̄ᵢ‖²) with f̄ᵢ their mean. O(N²(d_k + d_v)).
func meanFieldTermMoments(_ inputs: AttentionInputs) -> (raw: [Double], spread: [Double]) {
    let n = inputs.tokens, dv = inputs.valueDimension
    var raw = [Double](repeating: 0, count: n), spread = [Double](repeating: 0, count: n)
    var scores = [Double](repeating: 0, count: n), mean = [Double](repeating: 0, count: dv)
    inputs.queries.elements.withUnsafeBufferPointer { q in
        inputs.keys.elements.withUnsafeBufferPointer { k in
            inputs.values.elements.withUnsafeBufferPointer { v in
                scores.withUnsafeMutableBufferPointer { s in
                    for i in 0..<n {
                        attentionScores(of: i, inputs, q: q.baseAddress!, k: k.baseAddress!, into: s.baseAddress!)
                        for c in 0..<dv { mean[c] = 0 }
                        for j in 0..<n where j != i {
                            let w = exp(s[j])
                            for c in 0..<dv { mean[c] += w * v[j * dv + c] / Double(n - 1) }
                        }
                        var r = 0.0, centred = 0.0
                        for j in 0..<n where j != i {
                            let w = exp(s[j])
                            for c in 0..<dv {
                                let f = w * v[j * dv + c]
                                r += f * f
                                centred += (f - mean[c]) * (f - mean[c])
                            }
                        }
                        raw[i] = r
                        spread[i] = n > 2 ? centred / Double(n - 2) : 0
                    }
                }
            }
        }
    }
    return (raw, spread)
}
