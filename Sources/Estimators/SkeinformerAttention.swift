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

    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, stream: RandomStream) {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension, c = samples
        precondition(c <= n && out.rows == n && out.columns == dv, "Skeinformer: c = \(c), N = \(n)")
        let meanField = inputs.normalization == .meanField
        let q = inputs.queries.elements, k = inputs.keys.elements, v = inputs.values.elements

        // 1. Pilot rows: exact rows of B (softmax or mean-field) and their products with V.
        var pilotRows: [Int] = []
        var pilot = Matrix(rows: 0, columns: n)
        var columnSquares = [Double](repeating: 0, count: components.pilotSampling ? n : 0)
        if computesPilot {
            pilotRows = (0..<c).map { _ in stream.uniformInt(below: n) }
            var queries = Matrix(rows: c, columns: dk)
            for (r, i) in pilotRows.enumerated() { for a in 0..<dk { queries[r, a] = q[i * dk + a] } }
            pilot = BLAS.product(queries, inputs.keys, transposeB: true)
            // Rows of B (β, max shift, vectorised e^{s − m}, lane sum, scale) and, for pilot sampling,
            // ‖B_J⁽ʲ⁾‖², each column's squares added over the pilot rows in order.
            pilot.elements.withUnsafeMutableBufferPointer { pp in
                columnSquares.withUnsafeMutableBufferPointer { squares in
                    cnumerics_softmax_rows(pp.baseAddress!, c, n, inputs.beta, meanField ? 1 : 0, nil,
                                           components.pilotSampling ? squares.baseAddress : nil)
                }
            }
        }

        // 2. Column probabilities and c distinct columns (successive sampling).
        var keys = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var weight = 1.0
            if components.pilotSampling {
                let column = columnSquares[j]
                var value = 0.0
                for a in 0..<dv { value += v[j * dv + a] * v[j * dv + a] }
                weight = (column * value).squareRoot()
            }
            // Efraimidis–Spirakis: the c largest log(U)/w are a weighted sample without replacement.
            keys[j] = weight > 0 ? log(stream.uniform()) / weight : -Double.infinity
        }
        let selected = (0..<n).sorted { keys[$0] > keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }.prefix(c).map { $0 }

        // 3. Scores against the selected keys (N×c) and R_{J′} pieces.
        var selectedKeys = Matrix(rows: c, columns: dk)
        var isSelected = [Bool](repeating: false, count: n)
        for (b, j) in selected.enumerated() {
            isSelected[j] = true
            for a in 0..<dk { selectedKeys[b, a] = k[j * dk + a] }
        }
        var rest = [Double](repeating: 0, count: dv)
        for j in 0..<n where !isSelected[j] { for a in 0..<dv { rest[a] += v[j * dv + a] } }
        let scores = BLAS.product(inputs.queries, selectedKeys, transposeB: true)

        // 4. Row normalisation.
        let adaptive = components.adaptiveNormalization
        var weights = [Double](repeating: 0, count: c)
        scores.elements.withUnsafeBufferPointer { sp in
            out.elements.withUnsafeMutableBufferPointer { op in
                weights.withUnsafeMutableBufferPointer { wp in
                  v.withUnsafeBufferPointer { vp in
                   selected.withUnsafeBufferPointer { selectedRows in
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
            pilot.elements.withUnsafeBufferPointer { pp in
                v.withUnsafeBufferPointer { vp in
                    out.elements.withUnsafeMutableBufferPointer { op in
                        for (r, i) in pilotRows.enumerated() {
                            cnumerics_weighted_rows(pp.baseAddress! + r * n, nil, n, vp.baseAddress!, dv, op.baseAddress! + i * dv)
                        }
                    }
                }
            }
        }
    }
}
