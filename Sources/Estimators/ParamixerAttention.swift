import Foundation
import NumericsCore

/// Paramixer as an approximation of attention (arXiv 2204.10670): the attention
/// matrix P (softmax D⁻¹e^{βQKᵀ}, or e^{βQKᵀ}/N for the mean-field normalisation) is replaced by
/// a chain of F sparse factors (I + W_F)…(I + W₁) with ``ParamixerPattern`` sparsity whose values
/// are fitted to P by least squares (``ParamixerFactors/fitted(pattern:target:factors:ridge:)``),
/// and Ô = (I + W_F)…(I + W₁)·V is applied in O(nnz·d_v).
///
/// This is the "equal nonzero budget" comparison, not a fast method: the fit reads
/// the dense N×N matrix (O(N²·d_k) for P plus O(F·N²·L²) for the fit). Counted cost
/// (``expectedCost(tokens:)``, ``flops(tokens:keyDimension:valueDimension:)``) covers the mixing
/// only; measured time includes the fit. Deterministic. The size is the factor count F (F = M =
/// ⌈log₂N⌉ is one Paramixer block; beyond M, CDIL's dilations cycle).
///
/// **N should be a power of two**: only then does one block of the protocols mix fully.
/// The command line refuses other N as bad input rather than padding them
/// (``AttentionEstimatorCatalog``'s `tokenCountProblem`); this type itself stays defined for any
/// N ≥ 2 (the patterns wrap modulo N and the fit is well posed), so no caller can crash on it.
/// With random MLP values (``ParamixerFactors/randomMLP(pattern:tokens:factors:hidden:stream:)``)
/// Paramixer is a different model, not an estimator of attention, so it is not offered here.
public struct ParamixerAttention: PreparedAttentionEstimator, FlopCounting {
    public let pattern: ParamixerPattern
    public let factors: Int
    public let ridge: Double

    public init(pattern: ParamixerPattern, factors: Int, ridge: Double = 1e-10) {
        precondition(factors >= 1 && ridge >= 0, "Paramixer: factors \(factors), ridge \(ridge)")
        self.pattern = pattern
        self.factors = factors
        self.ridge = ridge
    }

    public var name: String { "paramixer-\(pattern.rawValue)" }
    public var size: Double? { Double(factors) }
    public func isUnbiased(for normalization: AttentionNormalization) -> Bool { false }

    /// Mixing links per token: Σₘ nnzₘ / N.
    public func expectedCost(tokens n: Int) -> Double {
        Double((0..<factors).reduce(0) { $0 + pattern.nonzeroFormula(factor: $1, tokens: n) }) / Double(n)
    }

    public func flops(tokens n: Int, keyDimension dk: Int, valueDimension dv: Int) -> Double {
        2 * expectedCost(tokens: n) * Double(n) * Double(dv)
    }

    /// The dense attention matrix P this estimator fits (N×N).
    public static func attentionMatrix(_ inputs: AttentionInputs) -> Matrix {
        var p = NystromformerAttention.scores(inputs.queries, inputs.keys, beta: inputs.beta,
                                              softmax: inputs.normalization == .softmax)
        if inputs.normalization == .meanField {
            for e in p.elements.indices { p.elements[e] /= Double(inputs.tokens) }
        }
        return p
    }

    /// The fitted factor chain for these inputs.
    public func fittedFactors(_ inputs: AttentionInputs) -> ParamixerFactors {
        return ParamixerFactors.fitted(pattern: pattern, target: Self.attentionMatrix(inputs), factors: factors, ridge: ridge)
    }

    /// The fit depends on the inputs alone (the estimator is deterministic): a static study fits
    /// once per configuration and then only applies the chain.
    public func prepare(_ inputs: AttentionInputs) -> ParamixerFactors { fittedFactors(inputs) }

    /// The scratch of the chain's intermediate products, kept in an ``AttentionWorkspace``.
    final class Scratch {
        var product = Matrix(rows: 0, columns: 0)
    }

    /// Applies the fitted chain to V: O(nnz·d_v), no allocation once `workspace` holds an N×d_v buffer.
    public func estimate(_ inputs: AttentionInputs, prepared: ParamixerFactors, into out: inout Matrix,
                         workspace: AttentionWorkspace, stream: RandomStream) {
        precondition(out.rows == inputs.tokens && out.columns == inputs.valueDimension, "Paramixer: output shape")
        let scratch = workspace.scratch { Scratch() }
        prepared.apply(inputs.values, into: &out, scratch: &scratch.product)
    }

    /// Fits the chain (O(F·N²·L²), allocating) and applies it: each call refits, so the measured
    /// time of a call includes the fit.
    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream) {
        estimate(inputs, prepared: prepare(inputs), into: &out, workspace: workspace, stream: stream)
    }
}
