import AttentionAsDynamics
import Estimators
import NumericsCore

/// Exact-attention inputs from random tokens X (N×d, N(0, 1)) and random maps Q, K, V (entries
/// N(0, 1/d)), β = 1/√d, softmax. O(N·d²).
func randomAttentionInputs(tokens n: Int, dimension d: Int, seed: UInt64) -> AttentionInputs {
    let stream = RandomStream(seed: seed, purpose: .configuration)
    let maps = AttentionMaps.random(d, stream: stream)
    var x = Matrix(rows: n, columns: d)
    stream.fillGaussian(&x.elements)
    return maps.inputs(tokens: x, beta: 1 / Double(d).squareRoot(), normalization: .softmax)
}

/// Flops of one exact attention evaluation: two N×N×d products, 4·N²·d.
func exactAttentionFlops(tokens n: Int, dimension d: Int) -> Double { 4 * Double(n) * Double(n) * Double(d) }
