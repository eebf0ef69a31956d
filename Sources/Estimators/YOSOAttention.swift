import Foundation
import NumericsCore

/// YOSO attention (Zeng et al., "You Only Sample (Almost) Once", arXiv 2111.09714):
/// an LSH estimate of the collision-kernel attention YOSO-E,
///
///     Yᵢ = Σⱼ B(q̂ᵢ, k̂ⱼ) vⱼ,   B(q, k) = (1 − θ(q,k)/π)^τ,
///
/// with q̂, k̂ the ℓ2-normalised queries and keys (β and the softmax/mean-field normalisation play
/// no role: it is a different kernel altogether). With m hashes h₁ … h_m (``YOSOHash``, τ bits):
/// per hash, bucket-sum the values by key code and look up each query's bucket,
///
///     Ŷᵢ = (1/m) Σₕ Σ_{j: hₕ(k̂ⱼ) = hₕ(q̂ᵢ)} vⱼ.
///
/// **Unbiased** for YOSO-E (``exactTarget(_:)`` is overridden to return it), with the exact variance
///
///     E‖Ŷᵢ − Yᵢ‖² = (1/m) Σ_{j,l} [ (1 − (θ_{qᵢkⱼ} + θ_{qᵢkₗ} + θ_{kⱼkₗ})/(2π))^τ − BⱼBₗ ] ⟨vⱼ, vₗ⟩,
///
/// since qᵢ, kⱼ, kₗ all fall on one side of a random hyperplane with probability
/// 1 − (θ₁ + θ₂ + θ₃)/(2π); the diagonal j = l reduces to Bⱼ(1 − Bⱼ)‖vⱼ‖². Larger τ sharpens the
/// kernel and raises the relative variance. Zero rows of Q or K are not normalised (their codes
/// are all ones).
///
/// **Cost** O(m·N·(τ·d_k + d_v)) time, tables of 2^τ·d_v. In score-evaluation units (one score =
/// one d_k dot product plus one d_v update, assuming d_k = d_v) each hash costs 2τ dot products of
/// length d_k per token (its query and its key) plus one scatter and one gather of d_v:
/// ``expectedCost(tokens:)`` = m(τ + 1). The exact variance is O(N³·d) (tests and small studies).
public struct YOSOAttention: AttentionVarianceLaw {
    public let hashes: Int
    public let bits: Int

    /// τ = 8, a middle value of the paper's range.
    public static let defaultBits = 8

    public init(hashes: Int, bits: Int = YOSOAttention.defaultBits) {
        precondition(hashes >= 1, "YOSO needs m ≥ 1 hashes (got \(hashes))")
        precondition(bits >= 1 && bits <= 20, "YOSO bits τ = \(bits) ∉ [1, 20]")
        self.hashes = hashes
        self.bits = bits
    }

    public var name: String { "yoso" }
    public var size: Double? { Double(hashes) }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { true }
    public func expectedCost(tokens n: Int) -> Double { Double(hashes * (bits + 1)) }

    /// YOSO-E, O(N²(d_k + d_v)).
    public func exactTarget(_ inputs: AttentionInputs) -> Matrix { YOSOAttention.expectedAttention(inputs, bits: bits) }

    /// The normalised queries and keys, the bucket table, the codes and the hash, kept in an
    /// ``AttentionWorkspace`` between draws. The table is all zeros between draws (every draw
    /// clears the buckets it filled).
    final class Scratch {
        var queries = Matrix(rows: 0, columns: 0)
        var keys = Matrix(rows: 0, columns: 0)
        var table: [Double] = []
        var keyCodes: [Int] = []
        var queryCodes: [Int] = []
        var hash: YOSOHash?
    }

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension
        precondition(out.rows == n && out.columns == dv, "YOSO output shape")
        let scratch = workspace.scratch { Scratch() }
        Self.normalizeRows(of: inputs.queries, into: &scratch.queries)
        Self.normalizeRows(of: inputs.keys, into: &scratch.keys)
        AttentionWorkspace.resize(&scratch.table, count: (1 << bits) * dv)
        AttentionWorkspace.resize(&scratch.keyCodes, count: n)
        AttentionWorkspace.resize(&scratch.queryCodes, count: n)
        // The first hash is drawn as YOSOHash.init draws it (the same Gaussians in the same order).
        if scratch.hash?.bits == bits && scratch.hash?.dimension == dk {  // (no copy of the hash: redrawn in place)
            scratch.hash!.redraw(stream)
        } else {
            scratch.hash = YOSOHash(bits: bits, dimension: dk, stream: stream)
        }
        for c in out.elements.indices { out.elements[c] = 0 }
        scratch.queries.elements.withUnsafeBufferPointer { qp in
            scratch.keys.elements.withUnsafeBufferPointer { kp in
                inputs.values.elements.withUnsafeBufferPointer { vp in
                    scratch.table.withUnsafeMutableBufferPointer { t in
                        out.elements.withUnsafeMutableBufferPointer { o in
                            scratch.keyCodes.withUnsafeMutableBufferPointer { kc in
                                scratch.queryCodes.withUnsafeMutableBufferPointer { qc in
                                    for h in 0..<hashes {
                                        if h > 0 { scratch.hash!.redraw(stream) }
                                        scratch.hash!.codes(kp.baseAddress!, count: n, into: kc.baseAddress!)
                                        scratch.hash!.codes(qp.baseAddress!, count: n, into: qc.baseAddress!)
                                        for j in 0..<n {
                                            let bucket = t.baseAddress! + kc[j] * dv, vj = vp.baseAddress! + j * dv
                                            for c in 0..<dv { bucket[c] += vj[c] }
                                        }
                                        for i in 0..<n {
                                            let bucket = t.baseAddress! + qc[i] * dv, oi = o.baseAddress! + i * dv
                                            for c in 0..<dv { oi[c] += bucket[c] }
                                        }
                                        for j in 0..<n { (t.baseAddress! + kc[j] * dv).update(repeating: 0, count: dv) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let scale = 1 / Double(hashes)
        for c in out.elements.indices { out.elements[c] *= scale }
    }

    /// The exact variance formula above, per token. O(N³ + N²(d_k + d_v)) time, O(N²) memory.
    public func theoreticalMeanSquaredError(_ inputs: AttentionInputs) -> [Double]? {
        let n = inputs.tokens, dv = inputs.valueDimension
        let q = Self.normalizedRows(inputs.queries), k = Self.normalizedRows(inputs.keys)
        let qk = Self.angles(q, k), kk = Self.angles(k, k)
        let gram = BLAS.product(inputs.values, inputs.values, transposeB: true)
        let target = exactTarget(inputs)
        let tau = bits
        var result = [Double](repeating: 0, count: n)
        var b = [Double](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n { b[j] = Self.power(1 - qk[i, j] / Double.pi, tau) }
            var total = 0.0
            for j in 0..<n {
                let a = qk[i, j]
                var row = 0.0
                for l in 0..<n {
                    let triple = l == j ? b[j] : Self.power(max(0, 1 - (a + qk[i, l] + kk[j, l]) / (2 * Double.pi)), tau)
                    row += triple * gram[j, l]
                }
                total += row
            }
            var norm2 = 0.0
            for c in 0..<dv { norm2 += target[i, c] * target[i, c] }
            result[i] = max(0, total - norm2) / Double(hashes)
        }
        return result
    }

    /// Yᵢ = Σⱼ (1 − θᵢⱼ/π)^τ vⱼ on normalised queries and keys. O(N²(d_k + d_v)).
    public static func expectedAttention(_ inputs: AttentionInputs, bits: Int) -> Matrix {
        let q = normalizedRows(inputs.queries), k = normalizedRows(inputs.keys)
        let n = inputs.tokens
        var weights = angles(q, k)
        for i in 0..<n { for j in 0..<n { weights[i, j] = power(1 - weights[i, j] / Double.pi, bits) } }
        return BLAS.product(weights, inputs.values)
    }

    /// Rows scaled to unit ℓ2 norm (zero rows unchanged). O(N·d).
    public static func normalizedRows(_ m: Matrix) -> Matrix {
        var out = m
        normalizeRows(&out)
        return out
    }

    /// Scales every row of `m` to unit ℓ2 norm in place (zero rows unchanged): each row's norm is
    /// taken before the row is scaled, so the result equals ``normalizedRows(_:)``. O(N·d).
    public static func normalizeRows(_ m: inout Matrix) {
        let d = m.columns
        m.elements.withUnsafeMutableBufferPointer { e in
            for i in 0..<m.rows {
                let row = e.baseAddress! + i * d
                var norm2 = 0.0
                for c in 0..<d { norm2 += row[c] * row[c] }
                guard norm2 > 0 else { continue }
                let scale = 1 / norm2.squareRoot()
                for c in 0..<d { row[c] *= scale }
            }
        }
    }

    /// `out` ← the rows of `m` scaled to unit ℓ2 norm (``normalizedRows(_:)`` without a new matrix
    /// once `out` has m's shape). O(N·d).
    static func normalizeRows(of m: Matrix, into out: inout Matrix) {
        AttentionWorkspace.resize(&out, rows: m.rows, columns: m.columns)
        out.elements.withUnsafeMutableBufferPointer { o in
            m.elements.withUnsafeBufferPointer { o.baseAddress!.update(from: $0.baseAddress!, count: $0.count) }
        }
        normalizeRows(&out)
    }

    /// θᵢⱼ = arccos⟨aᵢ, bⱼ⟩ for unit rows (clamped; exactly 0 for identical rows).
    static func angles(_ a: Matrix, _ b: Matrix) -> Matrix {
        var g = BLAS.product(a, b, transposeB: true)
        for i in 0..<g.rows {
            for j in 0..<g.columns {
                let identical = (0..<a.columns).allSatisfy { a[i, $0] == b[j, $0] }
                g[i, j] = identical ? 0 : acos(min(1, max(-1, g[i, j])))
            }
        }
        return g
    }

    @inline(__always)
    static func power(_ x: Double, _ k: Int) -> Double {
        var result = 1.0
        for _ in 0..<k { result *= x }
        return result
    }
}
