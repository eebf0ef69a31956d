import CNumerics
import Foundation
import NumericsCore

/// Skeinformer (Chen et al., NAACL 2022, arXiv 2112.05359): column sampling of
/// O = B·V that never forms B, with three components that can each be switched off for ablation.
/// With c samples and scores sᵢⱼ = β⟨qᵢ, kⱼ⟩:
///
/// 1. **pilot sampling** (``Components/pilotSampling``): c row indices J uniform with replacement,
///    exact rows B_J (c·N scores); column probabilities p̂ⱼ ∝ ‖(B_J)⁽ʲ⁾‖·‖Vⱼ‖. Off: p̂ uniform.
/// 2. c distinct columns J′ drawn without replacement from p̂ (successive sampling, by the
///    Efraimidis–Spirakis keys log U/p̂ⱼ).
/// 3. A^{J′} = e^{S_{:,J′}} (N×c scores), R_{J′} = A^{J′}V_{J′}.
/// 4. **adaptive row normalisation** (``Components/adaptiveNormalization``): the unseen columns
///    are filled with gᵢ = exp(meanₖ sᵢⱼ′ₖ) (the geometric mean of the selected weights),
///    d̂ᵢ = Σₖ a_{ij′ₖ} + (N − c)gᵢ, Ô = diag(d̂)⁻¹(R_{J′} + g·(Σ_{j∉J′} Vⱼ)ᵀ). Off: Ôᵢ =
///    (R_{J′})ᵢ/Σₖ a_{ij′ₖ}, attention restricted to the sampled columns.
/// 5. **pilot reutilisation** (``Components/pilotReuse``): rows J of Ô are overwritten by the exact
///    B_J V (computed from the pilot rows).
///
/// Under mean-field normalisation (no normaliser to estimate) step 4 keeps the numerator only:
/// Ôᵢ = (R_{J′} + g·(Σ_{j∉J′}Vⱼ)ᵀ)ᵢ/N (off: (N/c)(R_{J′})ᵢ/N), and pilot rows are exact USA rows.
///
/// **Biased** as specified (weights dropped, adaptive normaliser): measure, don't assert zero.
/// Scores are max-shifted per row (the ratio is shift-invariant) and exponentiated a row at a time
/// by ``ShiftedExponential`` (within 2 ulp of `exp` per weight). Cost in scores per token:
/// c for the pilot rows (when pilot sampling or reutilisation is on) plus c for the selected
/// columns, O(N·c·(d_k + d_v)) time, O(N·c) memory; c = O(log N) in the paper.
public struct SkeinformerAttention: AttentionEstimator {
    /// The switchable components (all on: the method as published).
    public struct Components: Sendable, Equatable, Codable {
        public var pilotSampling: Bool
        public var adaptiveNormalization: Bool
        public var pilotReuse: Bool

        public init(pilotSampling: Bool = true, adaptiveNormalization: Bool = true, pilotReuse: Bool = true) {
            self.pilotSampling = pilotSampling
            self.adaptiveNormalization = adaptiveNormalization
            self.pilotReuse = pilotReuse
        }

        public static let all = Components()
    }

    public let samples: Int
    public let components: Components

    public init(samples: Int, components: Components = .all) {
        precondition(samples >= 1, "Skeinformer needs c ≥ 1 samples (got \(samples))")
        self.samples = samples
        self.components = components
    }

    /// "skeinformer", or with the switched-off components named: "skeinformer-no-pilot",
    /// "skeinformer-no-adaptive", "skeinformer-no-reuse" (joined when several are off).
    public var name: String {
        var parts = ["skeinformer"]
        if !components.pilotSampling { parts.append("no-pilot") }
        if !components.adaptiveNormalization { parts.append("no-adaptive") }
        if !components.pilotReuse { parts.append("no-reuse") }
        return parts.joined(separator: "-")
    }

    public var size: Double? { Double(samples) }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { false }

    var computesPilot: Bool { components.pilotSampling || components.pilotReuse }

    public func expectedCost(tokens n: Int) -> Double { Double(samples) * (computesPilot ? 2 : 1) }

    /// Every buffer of a draw (pilot rows and their weights, column keys, the selected columns,
    /// their keys and scores), kept in an ``AttentionWorkspace`` between draws.
    final class Scratch {
        var pilotRows: [Int] = []
        var pilotQueries = Matrix(rows: 0, columns: 0)
        var pilot = Matrix(rows: 0, columns: 0)
        var columnSquares: [Double] = []
        var keys: [Double] = []
        var selected: [Int] = []
        var selectedKeys = Matrix(rows: 0, columns: 0)
        var isSelected: [Bool] = []
        var rest: [Double] = []
        var scores = Matrix(rows: 0, columns: 0)
        var weights: [Double] = []
    }

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension, c = samples
        precondition(c <= n && out.rows == n && out.columns == dv, "Skeinformer: c = \(c), N = \(n)")
        let meanField = inputs.normalization == .meanField
        let q = inputs.queries.elements, k = inputs.keys.elements, v = inputs.values.elements
        let scratch = workspace.scratch { Scratch() }

        // 1. Pilot rows: exact rows of B (softmax or mean-field) and their products with V.
        AttentionWorkspace.resize(&scratch.pilotRows, count: c)
        AttentionWorkspace.resize(&scratch.columnSquares, count: n)
        scratch.columnSquares.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        if computesPilot {
            AttentionWorkspace.resize(&scratch.pilotQueries, rows: c, columns: dk)
            scratch.pilotRows.withUnsafeMutableBufferPointer { rows in
                scratch.pilotQueries.elements.withUnsafeMutableBufferPointer { queries in
                    for r in 0..<c { rows[r] = stream.uniformInt(below: n) }
                    for r in 0..<c { let i = rows[r]; for a in 0..<dk { queries[r * dk + a] = q[i * dk + a] } }
                }
            }
            AttentionWorkspace.resize(&scratch.pilot, rows: c, columns: n)
            BLAS.gemm(scratch.pilotQueries, inputs.keys, transposeB: true, into: &scratch.pilot)
            // Rows of B (β, max shift, vectorised e^{s − m}, lane sum, scale) and, for pilot sampling,
            // ‖B_J⁽ʲ⁾‖², each column's squares added over the pilot rows in order.
            scratch.pilot.elements.withUnsafeMutableBufferPointer { pp in
                scratch.columnSquares.withUnsafeMutableBufferPointer { squares in
                    cnumerics_softmax_rows(pp.baseAddress!, c, n, inputs.beta, meanField ? 1 : 0, nil,
                                           components.pilotSampling ? squares.baseAddress : nil)
                }
            }
        }
        // 2. Column probabilities and c distinct columns (successive sampling).
        AttentionWorkspace.resize(&scratch.keys, count: n)
        AttentionWorkspace.resize(&scratch.selected, count: c)
        let pilotSampling = components.pilotSampling
        scratch.keys.withUnsafeMutableBufferPointer { keys in
            scratch.columnSquares.withUnsafeBufferPointer { columnSquares in
                v.withUnsafeBufferPointer { v in
                    for j in 0..<n {
                        var weight = 1.0
                        if pilotSampling {
                            let column = columnSquares[j]
                            var value = 0.0
                            for a in 0..<dv { value += v[j * dv + a] * v[j * dv + a] }
                            weight = (column * value).squareRoot()
                        }
                        // Efraimidis–Spirakis: the c largest log(U)/w are a weighted sample without replacement.
                        keys[j] = weight > 0 ? log(stream.uniform()) / weight : -Double.infinity
                    }
                }
            }
            scratch.selected.withUnsafeMutableBufferPointer { selected in
                LargestKeys.select(c, of: n, keys: keys.baseAddress!, into: selected.baseAddress!)
            }
        }

        // 3. Scores against the selected keys (N×c) and R_{J′} pieces.
        AttentionWorkspace.resize(&scratch.selectedKeys, rows: c, columns: dk)
        if scratch.isSelected.count < n { scratch.isSelected = [Bool](repeating: false, count: n) }
        AttentionWorkspace.resize(&scratch.rest, count: dv)
        scratch.isSelected.withUnsafeMutableBufferPointer { isSelected in
            scratch.selected.withUnsafeBufferPointer { selected in
                scratch.selectedKeys.elements.withUnsafeMutableBufferPointer { selectedKeys in
                    scratch.rest.withUnsafeMutableBufferPointer { rest in
                        v.withUnsafeBufferPointer { v in
                            for j in 0..<n { isSelected[j] = false }
                            for b in 0..<c {
                                let j = selected[b]
                                isSelected[j] = true
                                for a in 0..<dk { selectedKeys[b * dk + a] = k[j * dk + a] }
                            }
                            for a in 0..<dv { rest[a] = 0 }
                            for j in 0..<n where !isSelected[j] { for a in 0..<dv { rest[a] += v[j * dv + a] } }
                        }
                    }
                }
            }
        }
        AttentionWorkspace.resize(&scratch.scores, rows: n, columns: c)
        BLAS.gemm(inputs.queries, scratch.selectedKeys, transposeB: true, into: &scratch.scores)
        let rest = scratch.rest

        // 4. Row normalisation.
        let adaptive = components.adaptiveNormalization
        AttentionWorkspace.resize(&scratch.weights, count: c)
        scratch.scores.elements.withUnsafeBufferPointer { sp in
            out.elements.withUnsafeMutableBufferPointer { op in
                scratch.weights.withUnsafeMutableBufferPointer { wp in
                  v.withUnsafeBufferPointer { vp in
                   scratch.selected.withUnsafeBufferPointer { selectedRows in
                    let w = wp.baseAddress!
                    for i in 0..<n {
                        let si = sp.baseAddress! + i * c, oi = op.baseAddress! + i * dv
                        var shift = -Double.infinity, meanScore = 0.0
                        for b in 0..<c {
                            let s = inputs.beta * si[b]
                            shift = max(shift, s)
                            meanScore += s / Double(c)
                            w[b] = s
                        }
                        ShiftedExponential.exponentiate(w, count: c, shift: shift)
                        var total = 0.0
                        for b in 0..<c { total += w[b] }
                        cnumerics_weighted_rows(w, selectedRows.baseAddress!, c, vp.baseAddress!, dv, oi)
                        if adaptive {
                            let g = exp(meanScore - shift)
                            for a in 0..<dv { oi[a] += g * rest[a] }
                            total += Double(n - c) * g
                        }
                        let scale: Double
                        if meanField {
                            scale = exp(shift) / Double(n) * (adaptive ? 1 : Double(n) / Double(c))
                        } else {
                            scale = 1 / total
                        }
                        for a in 0..<dv { oi[a] *= scale }
                    }
                   }
                  }
                }
            }
        }

        // 5. Pilot reutilisation: exact rows B_J V.
        if components.pilotReuse {
            let pilotRows = scratch.pilotRows
            scratch.pilot.elements.withUnsafeBufferPointer { pp in
                v.withUnsafeBufferPointer { vp in
                    out.elements.withUnsafeMutableBufferPointer { op in
                        for r in 0..<c {
                            let i = pilotRows[r]
                            cnumerics_weighted_rows(pp.baseAddress! + r * n, nil, n, vp.baseAddress!, dv, op.baseAddress! + i * dv)
                        }
                    }
                }
            }
        }
    }
}
