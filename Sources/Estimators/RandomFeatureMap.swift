import CNumerics
import Foundation
import NumericsCore

/// Random features for the softmax kernel SM(x, y) = exp(xᵀy) (Choromanski et al., Performer,
/// arXiv 2009.14794, Lemma 1 and §2.4). With projections ω₁…ω_m ~ N(0, I_d):
///
///     positive:        φ(x) = e^{−‖x‖²/2}/√m   · (e^{ωₗᵀx})ₗ                       (m features)
///     trigonometric:   φ(x) = e^{‖x‖²/2}/√m    · (sin ωₗᵀx)ₗ ⊕ (cos ωₗᵀx)ₗ          (2m features)
///     hyperbolic:      φ(x) = e^{−‖x‖²/2}/√(2m) · (e^{ωₗᵀx})ₗ ⊕ (e^{−ωₗᵀx})ₗ       (2m features)
///
/// and φ(x)ᵀφ(y) is an unbiased estimator of SM(x, y) (``kernelEstimate(_:_:)``). Its exact mean
/// squared errors for i.i.d. ω are ``meanSquaredError(_:x:y:features:)``; orthogonal blocks (d
/// exactly orthogonal directions from a QR factor, each row rescaled to an independent χ_d norm,
/// so every ωₗ is still N(0, I) marginally) lower the positive estimator's MSE at least by
/// 2(m−1)/(m(d+2))·(SM − e^{−(‖x‖²+‖y‖²)/2})² (``orthogonalMeanSquaredErrorBound(x:y:features:)``).
///
/// Cost: m·d multiply–adds for the projections and one exp (or sin/cos) per feature, per vector.
public struct RandomFeatureMap: Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case positive, trigonometric, hyperbolic
    }

    public enum Sampling: String, Codable, Sendable, CaseIterable {
        /// ωₗ i.i.d. N(0, I).
        case independent
        /// Blocks of min(d, remaining) exactly orthogonal rows with χ_d lengths.
        case orthogonal
    }

    /// How features are rescaled for numerical range: a common factor cancels in softmax
    /// attention's ratio (per query row: `perRow`; one factor for all keys: `global`).
    public enum Shift: Sendable {
        case none, perRow, global
    }

    public let kind: Kind
    /// ω (m×d), one projection per row.
    public let projections: Matrix

    public init(kind: Kind, projections: Matrix) {
        precondition(projections.rows >= 1, "random features need m ≥ 1 projections")
        self.kind = kind
        self.projections = projections
    }

    /// Draws m projections in dimension d from `stream`. Orthogonal blocks use LAPACK's QR.
    public init(kind: Kind, features m: Int, dimension d: Int, sampling: Sampling, stream: RandomStream) {
        precondition(m >= 1 && d >= 1, "random features: m = \(m), d = \(d)")
        var omega = Matrix(rows: m, columns: d)
        Self.drawProjections(&omega, sampling: sampling, stream: stream)
        self.init(kind: kind, projections: omega)
    }

    /// Overwrites the m×d projections ω with fresh ones from `stream`, the draws of
    /// ``init(kind:features:dimension:sampling:stream:)`` (i.i.d.: in place, no allocation;
    /// orthogonal blocks allocate the Gaussian block, its QR factor and the χ lengths).
    public static func drawProjections(_ omega: inout Matrix, sampling: Sampling, stream: RandomStream) {
        let m = omega.rows, d = omega.columns
        if sampling == .independent {
            omega.elements.withUnsafeMutableBufferPointer { stream.fillGaussian($0) }
        } else {
            var first = 0
            while first < m {
                let rows = min(d, m - first)
                var g = Matrix(rows: d, columns: d)
                g.elements.withUnsafeMutableBufferPointer { stream.fillGaussian($0) }
                guard let q = try? QRDecomposition.orthonormalFactor(g) else {
                    preconditionFailure("QR of a finite \(d)×\(d) Gaussian matrix failed")
                }
                var chi = [Double](repeating: 0, count: d)
                for r in 0..<rows {
                    stream.fillGaussian(&chi)
                    let length = chi.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    for c in 0..<d { omega[first + r, c] = length * q[r, c] }
                }
                first += rows
            }
        }
    }

    public var count: Int { projections.rows }
    public var dimension: Int { projections.columns }
    /// Length of φ(x): m (positive) or 2m.
    public var featureDimension: Int { kind == .positive ? count : 2 * count }

    /// φ of every row of x (N×d) as an N×F matrix, optionally rescaled by a common factor per row
    /// or for the whole matrix (see ``Shift``). One GEMM plus N·F transcendental functions; with a
    /// shift every exponent is ≤ 0 and the exponentials run a row at a time through
    /// ``ShiftedExponential`` (within 2 ulp of `exp`), without one through `exp`. Trigonometric
    /// features take sin and cos of each angle from one glibc `sincos` call (bit-identical to `sin`
    /// and `cos`).
    public func features(of x: Matrix, shift: Shift = .none) -> Matrix {
        var out = Matrix(rows: x.rows, columns: featureDimension), projected = Matrix(rows: x.rows, columns: count)
        features(of: x, shift: shift, into: &out, projected: &projected)
        return out
    }

    /// ``features(of:shift:)`` into `out` (given the shape N×F), with `projected` (given the shape
    /// N×m) as scratch for ωᵀx: the same values, and no allocation once both have their shapes.
    public func features(of x: Matrix, shift: Shift = .none, into out: inout Matrix, projected p: inout Matrix) {
        precondition(x.columns == dimension, "features: vectors of dimension \(x.columns), projections of \(dimension)")
        let n = x.rows, m = count, f = featureDimension, d = x.columns
        AttentionWorkspace.resize(&out, rows: n, columns: f)
        AttentionWorkspace.resize(&p, rows: n, columns: m)
        BLAS.gemm(x, projections, transposeB: true, into: &p)   // ωᵀx, N×m
        let scale = kind == .hyperbolic ? 1 / (2 * Double(m)).squareRoot() : 1 / Double(m).squareRoot()
        p.elements.withUnsafeBufferPointer { pp in
            x.elements.withUnsafeBufferPointer { xp in
                out.elements.withUnsafeMutableBufferPointer { op in
                    // Log-magnitude of each feature before the common prefactor.
                    for i in 0..<n {
                        var norm = 0.0
                        for c in 0..<d { norm += xp[i * d + c] * xp[i * d + c] }
                        norm /= 2
                        let row = op.baseAddress! + i * f, pi = pp.baseAddress! + i * m
                        for l in 0..<m {
                            switch kind {
                            case .positive: row[l] = pi[l] - norm
                            case .trigonometric: row[l] = norm; row[m + l] = norm
                            case .hyperbolic: row[l] = pi[l] - norm; row[m + l] = -pi[l] - norm
                            }
                        }
                    }
                    let top = shift == .global ? (op.max() ?? 0) : 0
                    for i in 0..<n {
                        let row = op.baseAddress! + i * f, pi = pp.baseAddress! + i * m
                        switch shift {
                        case .none: for l in 0..<f { row[l] = exp(row[l]) }
                        case .perRow:
                            ShiftedExponential.exponentiate(row, count: f, shift: cnumerics_lane_max(row, f))
                        case .global: ShiftedExponential.exponentiate(row, count: f, shift: top)
                        }
                        for l in 0..<f { row[l] *= scale }
                        if kind == .trigonometric { cnumerics_multiply_by_sincos(pi, m, row, row + m) }
                    }
                }
            }
        }
    }

    /// φ(x)ᵀφ(y), the unbiased random-feature estimate of SM(x, y) = exp(xᵀy).
    public func kernelEstimate(_ x: [Double], _ y: [Double]) -> Double {
        let phi = features(of: Matrix(rows: 2, columns: dimension, elements: x + y))
        return (0..<featureDimension).reduce(0.0) { $0 + phi[0, $1] * phi[1, $1] }
    }

    /// SM(x, y) = exp(xᵀy).
    public static func softmaxKernel(_ x: [Double], _ y: [Double]) -> Double {
        exp(zip(x, y).reduce(0.0) { $0 + $1.0 * $1.1 })
    }

    /// Exact MSE of φ(x)ᵀφ(y) with m i.i.d. projections (Performer Lemma 2):
    ///
    ///     trig: (1/(2m)) e^{‖x+y‖²} SM⁻² (1 − e^{−‖x−y‖²})²
    ///     pos:  (1/m)    e^{‖x+y‖²} SM²  (1 − e^{−‖x+y‖²})
    ///     hyp:  ½ (1 − e^{−‖x+y‖²}) · MSE_pos
    public static func meanSquaredError(_ kind: Kind, x: [Double], y: [Double], features m: Int) -> Double {
        let sum = zip(x, y).reduce(0.0) { $0 + ($1.0 + $1.1) * ($1.0 + $1.1) }
        let difference = zip(x, y).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        let sm = softmaxKernel(x, y), m = Double(m)
        let positive = exp(sum) * sm * sm * (1 - exp(-sum)) / m
        switch kind {
        case .positive: return positive
        case .trigonometric: return exp(sum) / (sm * sm) * pow(1 - exp(-difference), 2) / (2 * m)
        case .hyperbolic: return 0.5 * (1 - exp(-sum)) * positive
        }
    }

    /// Upper bound on the MSE of positive features with orthogonal blocks (m ≤ d, Performer
    /// Theorem 2): MSE_pos − 2(m−1)/(m(d+2))·(SM(x,y) − e^{−(‖x‖²+‖y‖²)/2})².
    public static func orthogonalMeanSquaredErrorBound(x: [Double], y: [Double], features m: Int) -> Double {
        let d = Double(x.count), mm = Double(m)
        let norms = x.reduce(0) { $0 + $1 * $1 } + y.reduce(0) { $0 + $1 * $1 }
        let gap = softmaxKernel(x, y) - exp(-norms / 2)
        return meanSquaredError(.positive, x: x, y: y, features: m) - 2 * (mm - 1) / (mm * (d + 2)) * gap * gap
    }
}
