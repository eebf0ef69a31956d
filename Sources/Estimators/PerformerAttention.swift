import Foundation
import NumericsCore

/// Performer attention by random features, FAVOR+ (Choromanski et al., arXiv 2009.14794).
/// With q' = √β·q and k' = √β·k, so that SM(q', k') = e^{β⟨q,k⟩}, and a fresh
/// ``RandomFeatureMap`` of m projections per call:
///
///     softmax:     Ô = D̂⁻¹ (φ(Q')(φ(K')ᵀV)),   D̂ = diag(φ(Q')(φ(K')ᵀ1))
///     mean-field:  Ô = (1/N)·φ(Q')(φ(K')ᵀV)
///
/// The mean-field form is unbiased; the softmax form is a ratio with O(1/m) bias. For softmax,
/// query features are rescaled per row and key features by one global factor (both cancel in the
/// ratio) to stay in floating-point range. Trigonometric features can make D̂ vanish or change
/// sign (the instability that motivated positive features).
///
/// Complexity O(N·m·(d_k + d_v)) time, O(N·m) memory.
public struct PerformerAttention: AttentionEstimator, FlopCounting {
    public let features: Int
    public let kind: RandomFeatureMap.Kind
    public let sampling: RandomFeatureMap.Sampling

    public init(features: Int, kind: RandomFeatureMap.Kind = .positive, sampling: RandomFeatureMap.Sampling = .independent) {
        precondition(features >= 1, "Performer needs m ≥ 1 features (got \(features))")
        self.features = features
        self.kind = kind
        self.sampling = sampling
    }

    /// "performer-positive", "performer-positive-orthogonal", "performer-trigonometric", ….
    public var name: String { "performer-\(kind.rawValue)" + (sampling == .orthogonal ? "-orthogonal" : "") }
    public var size: Double? { Double(features) }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { normalization == .meanField }
    var featureDimension: Int { kind == .positive ? features : 2 * features }
    /// Feature evaluations per token: F for its query and F for its key (F = m or 2m).
    public func expectedCost(tokens n: Int) -> Double { 2 * Double(featureDimension) }

    public func flops(tokens n: Int, keyDimension dk: Int, valueDimension dv: Int) -> Double {
        let n = Double(n), m = Double(features), f = Double(featureDimension), dk = Double(dk), dv = Double(dv)
        return 2 * (2 * n * m * dk + n * f) + 2 * n * f * (dv + 1) * 2
    }

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, stream: RandomStream) {
        let n = inputs.tokens, dv = inputs.valueDimension
        precondition(out.rows == n && out.columns == dv, "Performer: output shape")
        let map = RandomFeatureMap(kind: kind, features: features, dimension: inputs.keyDimension, sampling: sampling, stream: stream)
        let root = inputs.beta.squareRoot()
        var q = inputs.queries, k = inputs.keys
        for e in q.elements.indices { q.elements[e] *= root }
        for e in k.elements.indices { k.elements[e] *= root }
        let softmax = inputs.normalization == .softmax
        let phiQ = map.features(of: q, shift: softmax ? .perRow : .none)
        let phiK = map.features(of: k, shift: softmax ? .global : .none)
        // [V | 1] so that the normaliser comes out of the same GEMMs.
        var v1 = Matrix(rows: n, columns: dv + 1, repeating: 1)
        for i in 0..<n { for c in 0..<dv { v1[i, c] = inputs.values[i, c] } }
        let kv = BLAS.product(phiK, transposeA: true, v1)   // F×(d_v+1)
        let qkv = BLAS.product(phiQ, kv)                  // N×(d_v+1)
        for i in 0..<n {
            let scale = softmax ? 1 / qkv[i, dv] : 1 / Double(n)
            for c in 0..<dv { out[i, c] = qkv[i, c] * scale }
        }
    }
}
