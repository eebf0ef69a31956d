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

    /// The projections, scaled queries and keys, their features, [V | 1] and the two products, kept
    /// in an ``AttentionWorkspace`` between draws.
    final class Scratch {
        var projections = Matrix(rows: 0, columns: 0)
        var queries = Matrix(rows: 0, columns: 0)
        var keys = Matrix(rows: 0, columns: 0)
        var projected = Matrix(rows: 0, columns: 0)
        var queryFeatures = Matrix(rows: 0, columns: 0)
        var keyFeatures = Matrix(rows: 0, columns: 0)
        var valuesAndOne = Matrix(rows: 0, columns: 0)
        var keysValues = Matrix(rows: 0, columns: 0)
        var product = Matrix(rows: 0, columns: 0)
    }

    /// Allocates nothing once `workspace` holds buffers of these shapes, except with orthogonal
    /// projections (each block's QR factorisation allocates; see
    /// ``RandomFeatureMap/drawProjections(_:sampling:stream:)``).
    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension, f = featureDimension
        precondition(out.rows == n && out.columns == dv, "Performer: output shape")
        let scratch = workspace.scratch { Scratch() }
        AttentionWorkspace.resize(&scratch.projections, rows: features, columns: dk)
        RandomFeatureMap.drawProjections(&scratch.projections, sampling: sampling, stream: stream)
        let map = RandomFeatureMap(kind: kind, projections: scratch.projections)
        let root = inputs.beta.squareRoot()
        Self.scale(inputs.queries, by: root, into: &scratch.queries)
        Self.scale(inputs.keys, by: root, into: &scratch.keys)
        let softmax = inputs.normalization == .softmax
        map.features(of: scratch.queries, shift: softmax ? .perRow : .none, into: &scratch.queryFeatures, projected: &scratch.projected)
        map.features(of: scratch.keys, shift: softmax ? .global : .none, into: &scratch.keyFeatures, projected: &scratch.projected)
        // [V | 1] so that the normaliser comes out of the same GEMMs.
        AttentionWorkspace.resize(&scratch.valuesAndOne, rows: n, columns: dv + 1)
        scratch.valuesAndOne.elements.withUnsafeMutableBufferPointer { v1 in
            inputs.values.elements.withUnsafeBufferPointer { v in
                for i in 0..<n {
                    for c in 0..<dv { v1[i * (dv + 1) + c] = v[i * dv + c] }
                    v1[i * (dv + 1) + dv] = 1
                }
            }
        }
        AttentionWorkspace.resize(&scratch.keysValues, rows: f, columns: dv + 1)
        AttentionWorkspace.resize(&scratch.product, rows: n, columns: dv + 1)
        BLAS.gemm(scratch.keyFeatures, transposeA: true, scratch.valuesAndOne, into: &scratch.keysValues)   // F×(d_v+1)
        BLAS.gemm(scratch.queryFeatures, scratch.keysValues, into: &scratch.product)                        // N×(d_v+1)
        let qkv = scratch.product
        for i in 0..<n {
            let scale = softmax ? 1 / qkv[i, dv] : 1 / Double(n)
            for c in 0..<dv { out[i, c] = qkv[i, c] * scale }
        }
    }

    /// `out` ← s·x entrywise (given x's shape).
    static func scale(_ x: Matrix, by s: Double, into out: inout Matrix) {
        AttentionWorkspace.resize(&out, rows: x.rows, columns: x.columns)
        out.elements.withUnsafeMutableBufferPointer { o in
            x.elements.withUnsafeBufferPointer { e in for k in 0..<e.count { o[k] = e[k] * s } }
        }
    }
}
