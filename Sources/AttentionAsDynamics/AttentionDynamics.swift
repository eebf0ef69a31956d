import Estimators
import ParticleSystems
import NumericsCore

/// Where tokens live: ℝᵈ, or the unit sphere with the tangent projection (layer norm idealised).
public enum AttentionGeometry: String, Codable, Sendable, CaseIterable {
    case euclidean, sphere
}

/// Self-attention as an interacting particle system: tokens xᵢ ∈ ℝᵈ are particles and
///
///     (SA)   ẋᵢ = Σⱼ softmaxⱼ(β⟨Qxᵢ,Kxⱼ⟩) V xⱼ
///     (USA)  ẋᵢ = (1/N) Σⱼ e^{β⟨Qxᵢ,Kxⱼ⟩} V xⱼ
///
/// projected by P⊥ₓ y = y − ⟨x,y⟩x on the sphere (Geshkovski et al., arXiv 2312.10794; Sander et
/// al., arXiv 2110.11773). One residual attention layer is one Euler step. Problem only: the
/// attention estimator (exact, RBA, …) is supplied by ``AttentionDrift``.
public struct AttentionDynamics: Sendable {
    public let tokens: Int
    public let dimension: Int
    public let maps: AttentionMaps
    public let beta: Double
    public let normalization: AttentionNormalization
    public let geometry: AttentionGeometry

    public init(tokens: Int, dimension: Int, maps: AttentionMaps, beta: Double,
                normalization: AttentionNormalization, geometry: AttentionGeometry) {
        precondition(tokens >= 2 && dimension >= 1 && beta.isFinite, "attention dynamics: N = \(tokens), d = \(dimension), β = \(beta)")
        precondition(maps.dimension == dimension, "Q, K, V act on ℝ^\(maps.dimension), tokens live in ℝ^\(dimension)")
        self.tokens = tokens
        self.dimension = dimension
        self.maps = maps
        self.beta = beta
        self.normalization = normalization
        self.geometry = geometry
    }

    /// The attention inputs (queries, keys, values) of a state X (N×d, row-major).
    public func inputs(_ positions: UnsafeBufferPointer<Double>) -> AttentionInputs {
        let x = Matrix(rows: tokens, columns: dimension, elements: Array(positions))
        return maps.inputs(tokens: x, beta: beta, normalization: normalization)
    }
}

/// The drift of ``AttentionDynamics`` with the attention output supplied by any
/// ``AttentionEstimator``: ``ExactAttention`` for the reference, ``RandomBatchAttention`` for RBA.
/// Cost per evaluation: the estimator's plus O(N·d²) for the projections. Deterministic dynamics
/// (σ = 0); on the sphere every step is followed by renormalisation of each token (a retraction).
/// The tokens, their attention inputs, the output and the estimator's scratch live in the
/// trajectory's workspace (``EstimatorWorkspace/attention``): after the first evaluation an
/// evaluation allocates nothing beyond what the estimator itself allocates.
public struct AttentionDrift: Drift {
    /// The tokens as a matrix, their attention inputs and the attention output, reused across steps.
    final class Scratch {
        var tokens = Matrix(rows: 0, columns: 0)
        var inputs: AttentionInputs?
        var output = Matrix(rows: 0, columns: 0)
    }

    public let dynamics: AttentionDynamics
    public let estimator: any AttentionEstimator

    public init(dynamics: AttentionDynamics, estimator: any AttentionEstimator) {
        self.dynamics = dynamics
        self.estimator = estimator
    }

    public var particles: Int { dynamics.tokens }
    public var dimension: Int { dynamics.dimension }
    public var noise: Double { 0 }

    public func evaluate(_ positions: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>,
                         workspace: EstimatorWorkspace, stream: RandomStream) {
        let n = dynamics.tokens, d = dynamics.dimension
        let scratch = workspace.attention.scratch { Scratch() }
        AttentionWorkspace.resize(&scratch.tokens, rows: n, columns: d)
        scratch.tokens.elements.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: positions.baseAddress!, count: n * d) }
        if scratch.inputs?.tokens == n && scratch.inputs?.keyDimension == d && scratch.inputs?.valueDimension == d {
            // Overwritten in place (no copy of the inputs is held, so their storage stays unique).
            scratch.inputs!.beta = dynamics.beta
            scratch.inputs!.normalization = dynamics.normalization
            dynamics.maps.update(&scratch.inputs!, tokens: scratch.tokens)
        } else {
            // Distinct storage for Q, K and V (identity maps would share X's), so later steps overwrite in place.
            var inputs = AttentionInputs(queries: Matrix(rows: n, columns: d), keys: Matrix(rows: n, columns: d),
                                         values: Matrix(rows: n, columns: d), beta: dynamics.beta,
                                         normalization: dynamics.normalization)
            dynamics.maps.update(&inputs, tokens: scratch.tokens)
            scratch.inputs = inputs
        }
        AttentionWorkspace.resize(&scratch.output, rows: n, columns: d)
        estimator.estimate(scratch.inputs!, into: &scratch.output, workspace: workspace.attention, stream: stream)
        scratch.output.elements.withUnsafeBufferPointer { out.baseAddress!.update(from: $0.baseAddress!, count: n * d) }
        if dynamics.geometry == .sphere { Sphere.projectToTangent(out, at: positions, dimension: dynamics.dimension) }
    }

    public func retract(_ positions: inout [Double]) {
        if dynamics.geometry == .sphere { Sphere.normalizeRows(&positions, dimension: dynamics.dimension) }
    }
}
