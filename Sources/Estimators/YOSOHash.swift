import CNumerics
import Foundation
import NumericsCore

/// One YOSO hash (arXiv 2111.09714): τ random hyperplanes r₁ … r_τ ~ N(0, I_d) and
/// the code h(x) = (1[r₁ᵀx ≥ 0], …, 1[r_τᵀx ≥ 0]) read as a τ-bit integer.
///
/// Two vectors at angle θ collide on one hyperplane with probability 1 − θ/π (sign random
/// projections, Goemans–Williamson / Charikar), so on the whole code with
///
///     B(q, k) = P[h(q) = h(k)] = (1 − θ/π)^τ      (``collisionProbability(cosine:bits:)``).
///
/// Drawing costs τ·d Gaussians; a code costs τ·d multiply-adds. The hyperplanes are stored
/// row-major τ×d and can be redrawn in place (``redraw(_:)``) so hashing loops allocate nothing.
public struct YOSOHash: Sendable {
    public let bits: Int
    public let dimension: Int
    public private(set) var hyperplanes: [Double]

    /// Codes are τ-bit integers in an `Int`; τ ≤ 30 keeps the bucket tables addressable.
    public static let maximumBits = 30

    public init(bits: Int, dimension: Int, stream: RandomStream) {
        precondition(bits >= 1 && bits <= Self.maximumBits && dimension >= 1, "YOSO hash: τ = \(bits), d = \(dimension)")
        self.bits = bits
        self.dimension = dimension
        hyperplanes = [Double](repeating: 0, count: bits * dimension)
        redraw(stream)
    }

    /// Fresh i.i.d. N(0, 1) hyperplanes from `stream`.
    public mutating func redraw(_ stream: RandomStream) { stream.fillGaussian(&hyperplanes) }

    /// h(x) for the d coordinates at `x`.
    @inline(__always)
    public func code(_ x: UnsafePointer<Double>) -> Int {
        var code = 0
        hyperplanes.withUnsafeBufferPointer { r in
            for b in 0..<bits {
                let rb = r.baseAddress! + b * dimension
                var dot = 0.0
                for c in 0..<dimension { dot += rb[c] * x[c] }
                code = (code << 1) | (dot >= 0 ? 1 : 0)
            }
        }
        return code
    }

    /// Largest dimension of the vectorised ``codes(_:count:into:)`` (its 8-row tile, d·64 bytes, lives
    /// on the stack); above it the codes are computed one row at a time.
    public static let vectorCodeMaximumDimension = 512

    /// codes[i] = h(xᵢ) for the n rows of x (row-major n×d): the codes of ``code(_:)-(UnsafePointer<Double>)``
    /// bit for bit (same order and roundings of every dot product), vectorised over 8 rows
    /// (`cnumerics_sign_codes`). O(n·τ·d).
    public func codes(_ x: UnsafePointer<Double>, count n: Int, into codes: UnsafeMutablePointer<Int>) {
        guard dimension <= Self.vectorCodeMaximumDimension else {
            for i in 0..<n { codes[i] = code(x + i * dimension) }
            return
        }
        hyperplanes.withUnsafeBufferPointer { r in
            cnumerics_sign_codes(x, n, dimension, r.baseAddress!, bits, codes)
        }
    }

    public func code(_ x: [Double]) -> Int {
        precondition(x.count == dimension, "YOSO code of a \(x.count)-vector with d = \(dimension)")
        return x.withUnsafeBufferPointer { code($0.baseAddress!) }
    }

    /// (1 − arccos(cos θ)/π)^τ, with the cosine clamped to [−1, 1].
    public static func collisionProbability(cosine: Double, bits: Int) -> Double {
        pow(1 - acos(min(1, max(-1, cosine))) / Double.pi, Double(bits))
    }
}
