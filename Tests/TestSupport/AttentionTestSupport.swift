import AttentionAsDynamics
import Estimators
import Foundation
import NumericsCore

/// Fixed attention inputs for tests: N tokens uniform on S^{d−1}, random maps N(0, 1/d).
public func fixedAttentionInputs(tokens n: Int, dimension d: Int, beta: Double, normalization: AttentionNormalization,
                          seed: UInt64 = 4242) throws -> AttentionInputs {
    let x = try TokenSet.uniformSphere.tokens(count: n, dimension: d, stream: RandomStream(seed: seed, purpose: .configuration))
    let maps = AttentionMaps.random(d, stream: RandomStream(seed: seed, purpose: .modelParameters))
    return maps.inputs(tokens: x, beta: beta, normalization: normalization)
}

/// Textbook O(N²) attention: the full score row, its max, exponentials, sums (no blocking, no GEMM).
public func naiveAttention(_ inputs: AttentionInputs) -> Matrix {
    let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension
    var out = Matrix(rows: n, columns: dv)
    for i in 0..<n {
        var scores = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var s = 0.0
            for c in 0..<dk { s += inputs.queries[i, c] * inputs.keys[j, c] }
            scores[j] = inputs.beta * s
        }
        let shift = scores.max()!
        var total = 0.0
        for j in 0..<n {
            let w = exp(scores[j] - shift)
            total += w
            for c in 0..<dv { out[i, c] += w * inputs.values[j, c] }
        }
        let scale = inputs.normalization == .softmax ? 1 / total : exp(shift) / Double(n)
        for c in 0..<dv { out[i, c] *= scale }
    }
    return out
}

/// max_i ‖aᵢ − bᵢ‖ / max_i ‖bᵢ‖.
public func relativeRowError(_ a: Matrix, _ b: Matrix) -> Double {
    var worst = 0.0, scale = 0.0
    for i in 0..<a.rows {
        var e = 0.0, s = 0.0
        for c in 0..<a.columns { e += (a[i, c] - b[i, c]) * (a[i, c] - b[i, c]); s += b[i, c] * b[i, c] }
        worst = max(worst, e.squareRoot())
        scale = max(scale, s.squareRoot())
    }
    return worst / scale
}
