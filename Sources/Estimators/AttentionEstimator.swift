import NumericsCore

/// An estimator of an attention output O ∈ ℝ^{N×d_v} at fixed ``AttentionInputs``: exact
/// (``ExactAttention``), random batch (``RandomBatchAttention``), sampling schemes and
/// structured approximations. The attention analogue of ``InteractionSumEstimator``: the same
/// object is measured statically and drives the attention dynamics.
///
/// Estimators hold no mutable state; scratch space lives in the caller's ``AttentionWorkspace``
/// and randomness comes from the caller's ``RandomStream``. With one workspace reused across
/// draws, a draw after the first allocates nothing for ``ExactAttention`` on one thread, RBA, the
/// sampling schemes, Performer with i.i.d. features, Nyströmformer and a prepared Paramixer chain
/// (tested with a counting allocator). The others still allocate per call: parallel exact
/// attention its per-query-block scratch, ``SoftAttention`` its landmark kernels and inverse,
/// an unprepared Paramixer call its least-squares fit, and orthogonal Performer features their QR
/// factorisations.
public protocol AttentionEstimator: Sendable {
    /// Command-line name, e.g. "exact", "rba", "rba-corrected".
    var name: String { get }
    /// The size parameter (batch size p, samples c, landmarks m, features m, …), if any.
    var size: Double? { get }
    /// E[Ô] = O (the estimand of ``exactTarget(_:)``) for every input with this normalisation.
    func isUnbiased(for normalization: AttentionNormalization) -> Bool
    /// Expected number of query–key score evaluations per token per call (N for exact attention).
    func expectedCost(tokens: Int) -> Double
    /// Writes Ô (N×d_v) into `out`, overwriting it, with scratch from `workspace`.
    func estimate(_ inputs: AttentionInputs, into out: inout Matrix, workspace: AttentionWorkspace, stream: RandomStream)
    /// The quantity this estimator approximates, computed exactly. Defaults to softmax or
    /// mean-field attention (``ExactAttention``); estimators of a different kernel (e.g. YOSO's
    /// collision kernel, SOFT's Gaussian kernel) override it.
    func exactTarget(_ inputs: AttentionInputs) -> Matrix
}

extension AttentionEstimator {
    public func exactTarget(_ inputs: AttentionInputs) -> Matrix { ExactAttention().evaluate(inputs) }

    /// Writes Ô into `out` with a fresh workspace (allocates the scratch on every call: loops that
    /// draw repeatedly keep an ``AttentionWorkspace`` and pass it instead).
    public func estimate(_ inputs: AttentionInputs, into out: inout Matrix, stream: RandomStream) {
        estimate(inputs, into: &out, workspace: AttentionWorkspace(), stream: stream)
    }

    /// Ô as a new matrix.
    public func estimate(_ inputs: AttentionInputs, stream: RandomStream) -> Matrix {
        var out = Matrix(rows: inputs.tokens, columns: inputs.valueDimension)
        estimate(inputs, into: &out, stream: stream)
        return out
    }
}
