import Foundation
import NumericsCore

/// A chain of F sparse N×N Paramixer factors with values, applied with the residual of the released
/// model (arXiv 2204.10670):  V⁽ᵐ⁾ = W⁽ᵐ⁾V⁽ᵐ⁻¹⁾ + V⁽ᵐ⁻¹⁾, so the whole chain is the
/// matrix (I + W_F)…(I + W₁). Factor m has the columns of ``ParamixerPattern`` (factor index m).
/// Values come from a seeded random MLP of the tokens (``randomMLP(pattern:tokens:factors:hidden:stream:)``)
/// or from a least-squares fit to a target matrix (``fitted(pattern:target:factors:ridge:)``).
///
/// Applying the chain costs O(nnz·d_v) per factor, nnz = the factor's nonzero count.
public struct ParamixerFactors: Sendable {
    public let pattern: ParamixerPattern
    public let tokens: Int
    /// Per factor: the column indices of every row, concatenated (row i at offsets[i]..<offsets[i+1]).
    public let columns: [[Int32]]
    public let offsets: [[Int]]
    /// Per factor: the values, aligned with `columns`.
    public var values: [[Double]]

    /// A chain with all values zero (the identity map).
    public init(pattern: ParamixerPattern, tokens n: Int, factors: Int) {
        precondition(n >= 2 && factors >= 1, "Paramixer: N = \(n), factors = \(factors)")
        self.pattern = pattern
        self.tokens = n
        var columns: [[Int32]] = [], offsets: [[Int]] = []
        for m in 0..<factors {
            var c: [Int32] = [], o = [0]
            for i in 0..<n {
                c += pattern.columns(row: i, factor: m, tokens: n).map(Int32.init)
                o.append(c.count)
            }
            columns.append(c)
            offsets.append(o)
        }
        self.columns = columns
        self.offsets = offsets
        self.values = columns.map { [Double](repeating: 0, count: $0.count) }
    }

    public var factorCount: Int { columns.count }
    /// Nonzeros of every factor.
    public var nonzeros: [Int] { columns.map(\.count) }

    /// (I + W_F)…(I + W₁)·V, O(Σ nnz · d_v).
    public func apply(_ v: Matrix) -> Matrix {
        var out = Matrix(rows: v.rows, columns: v.columns), scratch = out
        apply(v, into: &out, scratch: &scratch)
        return out
    }

    /// (I + W_F)…(I + W₁)·V into `out`, with `scratch` for the intermediate products (both given
    /// V's shape; no allocation once they have it). Factor m reads the previous product (V itself
    /// for m = 1) and writes the other buffer, so that the last factor writes `out`. O(Σ nnz · d_v).
    public func apply(_ v: Matrix, into out: inout Matrix, scratch: inout Matrix) {
        precondition(v.rows == tokens, "Paramixer: \(v.rows) rows for N = \(tokens)")
        let dv = v.columns
        AttentionWorkspace.resize(&out, rows: tokens, columns: dv)
        AttentionWorkspace.resize(&scratch, rows: tokens, columns: dv)
        func mix(factor m: Int, from x: UnsafePointer<Double>, into y: UnsafeMutablePointer<Double>) {
            columns[m].withUnsafeBufferPointer { cols in
                values[m].withUnsafeBufferPointer { w in
                    offsets[m].withUnsafeBufferPointer { offsets in
                        for i in 0..<tokens {
                            let row = y + i * dv
                            for c in 0..<dv { row[c] = x[i * dv + c] }
                            for e in offsets[i]..<offsets[i + 1] {
                                let weight = w[e], source = x + Int(cols[e]) * dv
                                for c in 0..<dv { row[c] += weight * source[c] }
                            }
                        }
                    }
                }
            }
        }
        v.elements.withUnsafeBufferPointer { vp in
            out.elements.withUnsafeMutableBufferPointer { op in
                scratch.elements.withUnsafeMutableBufferPointer { sp in
                    // Factor m (0-based) writes `out` when F − 1 − m is even.
                    var source = vp.baseAddress!
                    for m in 0..<factorCount {
                        let target = (factorCount - 1 - m) % 2 == 0 ? op.baseAddress! : sp.baseAddress!
                        mix(factor: m, from: source, into: target)
                        source = UnsafePointer(target)
                    }
                }
            }
        }
    }

    /// The dense N×N product (I + W_F)…(I + W₁) (for checks at small N).
    public func denseProduct() -> Matrix { apply(Matrix.identity(tokens)) }

    /// Values from a small seeded random MLP of the tokens x (N×d), one per factor m:
    ///
    ///     fₘ(x) = (W₂ tanh(W₁x + b₁)) / √L,   W₁ ∈ ℝ^{h×d} ~ N(0, 1/d), b₁ ~ N(0, 1), W₂ ∈ ℝ^{L×h} ~ N(0, 1/h),
    ///
    /// L = the largest row link count of factor m; row i of W⁽ᵐ⁾ takes the first |columns(i)|
    /// outputs of fₘ(xᵢ) in column order. The 1/√L keeps each row's expected squared norm ≈ 1.
    /// (Paramixer's released model uses an MLP on an embedding; this is its untrained analogue.)
    /// Cost O(F·N·h·(d + L)).
    public static func randomMLP(pattern: ParamixerPattern, tokens x: Matrix, factors: Int, hidden h: Int = 16,
                                 stream: RandomStream) -> ParamixerFactors {
        precondition(h >= 1, "hidden width \(h)")
        var chain = ParamixerFactors(pattern: pattern, tokens: x.rows, factors: factors)
        let d = x.columns
        for m in 0..<factors {
            let links = (0..<x.rows).map { chain.offsets[m][$0 + 1] - chain.offsets[m][$0] }.max() ?? 1
            var w1 = Matrix(rows: h, columns: d), w2 = Matrix(rows: links, columns: h)
            var b1 = [Double](repeating: 0, count: h)
            w1.elements.withUnsafeMutableBufferPointer { stream.fillGaussian($0, scale: 1 / Double(d).squareRoot()) }
            stream.fillGaussian(&b1)
            w2.elements.withUnsafeMutableBufferPointer { stream.fillGaussian($0, scale: 1 / Double(h).squareRoot()) }
            var hidden = BLAS.product(x, w1, transposeB: true)   // N×h
            for i in 0..<x.rows { for c in 0..<h { hidden[i, c] = tanh(hidden[i, c] + b1[c]) } }
            let outputs = BLAS.product(hidden, w2, transposeB: true)   // N×L
            let scale = 1 / Double(links).squareRoot()
            for i in 0..<x.rows {
                for (k, e) in (chain.offsets[m][i]..<chain.offsets[m][i + 1]).enumerated() {
                    chain.values[m][e] = scale * outputs[i, k]
                }
            }
        }
        return chain
    }

    /// Values fitted to a target T (N×N) by greedy least squares, factor by factor: with
    /// P = (I + W_{m−1})…(I + W₁) fixed, row i of (I + Wₘ)P is Pᵢ + Σ_{c ∈ cols(i)} w_ic P_c, so
    /// min ‖(I + Wₘ)P − T‖_F separates into N problems of |cols(i)| unknowns, solved by the
    /// normal equations (Gram matrix G + ρ·(tr G/L)·I, Cholesky). Each factor can only lower the
    /// error (W = 0 is feasible). Cost O(F·N²·L²) time, O(N²) memory: an oracle for approximation
    /// studies (it reads all of T), not a fast method.
    public static func fitted(pattern: ParamixerPattern, target t: Matrix, factors: Int,
                              ridge: Double = 1e-10) -> ParamixerFactors {
        precondition(t.rows == t.columns && ridge >= 0, "Paramixer fit: target \(t.rows)×\(t.columns), ridge \(ridge)")
        let n = t.rows
        var chain = ParamixerFactors(pattern: pattern, tokens: n, factors: factors)
        var p = Matrix.identity(n)
        for m in 0..<factors {
            var next = p
            for i in 0..<n {
                let range = chain.offsets[m][i]..<chain.offsets[m][i + 1]
                let cols = range.map { Int(chain.columns[m][$0]) }
                let l = cols.count
                var x = Matrix(rows: l, columns: n)
                for (k, c) in cols.enumerated() {
                    x.elements.replaceSubrange((k * n)..<((k + 1) * n), with: p.elements[(c * n)..<((c + 1) * n)])
                }
                var y = Matrix(rows: n, columns: 1)
                for j in 0..<n { y.elements[j] = t[i, j] - p[i, j] }
                var g = BLAS.product(x, x, transposeB: true)
                let rhs = BLAS.product(x, y)
                let trace = (0..<l).reduce(0.0) { $0 + g[$1, $1] } / Double(l)
                for k in 0..<l { g[k, k] += ridge * trace + Double.leastNormalMagnitude }
                guard let w = try? CholeskySolver.solve(g, rhs) else { continue }   // keep W row = 0
                for (k, e) in range.enumerated() { chain.values[m][e] = w.elements[k] }
                next.elements.withUnsafeMutableBufferPointer { np in
                    p.elements.withUnsafeBufferPointer { pp in
                        let nextRow = np.baseAddress! + i * n
                        for (k, c) in cols.enumerated() {
                            let weight = w.elements[k], row = pp.baseAddress! + c * n
                            for j in 0..<n { nextRow[j] += weight * row[j] }
                        }
                    }
                }
            }
            p = next
        }
        return chain
    }
}
