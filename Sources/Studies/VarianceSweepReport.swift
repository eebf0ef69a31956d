import Foundation
import NumericsCore

/// One (system, estimator, size) row of a variance sweep (JSON contract). Variances
/// are per particle/token: the mean over i of E‖ŷᵢ − yᵢ‖² (summed over components), averaged
/// over the configurations.
public struct VarianceSweepRow: Codable, Sendable {
    public var system: String
    public var estimator: String
    public var sizeName: String
    public var size: Double
    /// Expected pair interactions (particle systems) or scores (attention) per particle.
    public var cost: Double
    /// Draws per configuration.
    public var draws: Int
    public var configurations: Int
    /// tr Ĉov/N with its SE (from the fourth moment).
    public var variance: Estimate
    /// The closed form averaged over configurations, or nil where none exists.
    public var theoryVariance: Double?
    /// variance / theory with a 95% interval (the theory is exact at each configuration).
    public var ratio: Double?
    public var ratioCI95: [Double]?
    /// Mean of ‖ŷ − y‖²/N: variance + ‖bias‖²/N.
    public var meanSquaredError: Estimate
    /// ‖ȳ − y‖/√N with SE √(tr Ĉov/(R·N)) (RMS over configurations).
    public var bias: Estimate
    /// p-value of the zero-bias test, configurations pooled (``ZeroBiasTest``).
    public var biasPValue: Double
    /// The zero-bias test's outcome (``BiasVerdict``).
    public var biasVerdict: BiasVerdict
    /// The zero-bias test's rule and error rate in words (``ZeroBiasTest/rule``).
    public var biasRule: String
    /// What the estimator declares (for its own estimand and this normalisation).
    public var declaredUnbiased: Bool
    /// Largest kurtosis κ over configurations.
    public var kurtosis: Double
    /// RMS of the target, for scale.
    public var targetRMS: Double
    /// The verdict on the closed-form variance law (``VarianceLawTest``).
    public var varianceVerdict: VerdictRecord
    /// Both verdicts in words: "bias: …; variance law: …".
    public var verdict: String
    public var warnings: [String]

    private enum CodingKeys: String, CodingKey {
        case system, estimator, sizeName, size, cost, draws, configurations, variance, theoryVariance, ratio, ratioCI95,
             meanSquaredError, bias, biasPValue, biasVerdict, biasRule, declaredUnbiased, kurtosis, targetRMS, varianceVerdict, verdict,
             warnings
    }

    /// Every field is present; unknown values are JSON null.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(system, forKey: .system)
        try c.encode(estimator, forKey: .estimator)
        try c.encode(sizeName, forKey: .sizeName)
        try c.encode(size, forKey: .size)
        try c.encode(cost, forKey: .cost)
        try c.encode(draws, forKey: .draws)
        try c.encode(configurations, forKey: .configurations)
        try c.encode(variance, forKey: .variance)
        try c.encode(jsonNumber(theoryVariance), forKey: .theoryVariance)
        try c.encode(jsonNumber(ratio), forKey: .ratio)
        try c.encode(ratioCI95?.map { jsonNumber($0) }, forKey: .ratioCI95)
        try c.encode(meanSquaredError, forKey: .meanSquaredError)
        try c.encode(bias, forKey: .bias)
        try c.encode(jsonNumber(biasPValue), forKey: .biasPValue)
        try c.encode(biasVerdict, forKey: .biasVerdict)
        try c.encode(biasRule, forKey: .biasRule)
        try c.encode(declaredUnbiased, forKey: .declaredUnbiased)
        try c.encode(jsonNumber(kurtosis), forKey: .kurtosis)
        try c.encode(jsonNumber(targetRMS), forKey: .targetRMS)
        try c.encode(varianceVerdict, forKey: .varianceVerdict)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(warnings, forKey: .warnings)
    }
}

/// What a variance-sweep fit regresses log variance on.
public enum VarianceFitKind: String, Codable, Sendable {
    /// x = log of the closed form: slope 1 and intercept 0 when the law holds.
    case theory
    /// x = log cost (no closed form): the empirical law variance ∝ cost^slope.
    case cost
}

/// A weighted fit of log variance against log theory (``VarianceFitKind/theory``) or log cost
/// (``VarianceFitKind/cost``). Weights 1/(SE/variance)² (delta method). The covariance is scaled
/// by the Birge ratio χ²/(points − 2) when that exceeds 1 (Birge, Phys. Rev. 40 (1932)), so a
/// misspecified law widens its intervals instead of undercovering; 95% intervals use Student's t
/// with points − 2 degrees of freedom when scaled, else ±1.96·SE. Lack-of-fit p from χ² with
/// points − 2 degrees of freedom.
public struct VarianceSweepFit: Codable, Sendable {
    public var system: String
    public var estimator: String
    public var kind: VarianceFitKind
    public var points: Int
    public var slope: Double
    public var slopeCI95: [Double]
    public var intercept: Double
    public var interceptCI95: [Double]
    public var expectedSlope: Double?
    public var chiSquared: Double
    public var lackOfFitP: Double?
    /// The factor √(χ²/dof) the standard errors were multiplied by (1 when not scaled).
    public var scaleFactor: Double
    /// Slope against 1 ± ``VarianceSweepStudy/slopeTolerance`` (theory fits; cost fits are not assessed).
    public var verdict: VerdictRecord

    private enum CodingKeys: String, CodingKey {
        case system, estimator, kind, points, slope, slopeCI95, intercept, interceptCI95, expectedSlope, chiSquared, lackOfFitP,
             scaleFactor, verdict
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(system, forKey: .system)
        try c.encode(estimator, forKey: .estimator)
        try c.encode(kind, forKey: .kind)
        try c.encode(points, forKey: .points)
        try c.encode(jsonNumber(slope), forKey: .slope)
        try c.encode(slopeCI95.map { jsonNumber($0) }, forKey: .slopeCI95)
        try c.encode(jsonNumber(intercept), forKey: .intercept)
        try c.encode(interceptCI95.map { jsonNumber($0) }, forKey: .interceptCI95)
        try c.encode(expectedSlope, forKey: .expectedSlope)
        try c.encode(jsonNumber(chiSquared), forKey: .chiSquared)
        try c.encode(jsonNumber(lackOfFitP), forKey: .lackOfFitP)
        try c.encode(jsonNumber(scaleFactor), forKey: .scaleFactor)
        try c.encode(verdict, forKey: .verdict)
    }
}

/// The complete, Codable result of a variance sweep (schema "rbm-study/variance-sweep/1").
public struct VarianceSweepReport: Codable, Sendable {
    public var schema = "rbm-study/variance-sweep/1"
    public var manifest: RunManifest
    public var configuration: VarianceSweepConfiguration
    public var rows: [VarianceSweepRow]
    public var fits: [VarianceSweepFit]
    /// The five-second answer (``summaryLines``).
    public var summary: [String]
    public var warnings: [String]
}
