/// An estimator that states its arithmetic cost exactly (multiply–adds counted as 2 flops,
/// transcendental functions as 1), as a deterministic function of the shapes. Work–precision
/// studies use it as the counted cost; estimators that do not conform are charged
/// 2(d_k + d_v) flops per expected pair interaction (one score and one value update).
public protocol FlopCounting {
    /// Flops of one ``AttentionEstimator/estimate(_:into:stream:)`` call on N tokens.
    func flops(tokens n: Int, keyDimension dk: Int, valueDimension dv: Int) -> Double
}
