/// Wasserstein-2 distances between empirical measures (uniform weights on their points).
///
/// **One dimension (exact).** For empirical measures μ = (1/n)Σδ_{aᵢ}, ν = (1/m)Σδ_{bⱼ} on ℝ,
///
///     W₂²(μ, ν) = ∫₀¹ (F_μ⁻¹(u) − F_ν⁻¹(u))² du,
///
/// and both quantile functions are step functions (breakpoints i/n and j/m), so the integral is
/// a finite sum over the merged breakpoints (for n = m: (1/n)Σ(a₍ᵢ₎ − b₍ᵢ₎)², sorted samples).
/// O((n + m) log(n + m)) for the sorts. Villani, *Optimal Transport* (2009), Remark 2.19.
///
/// **Several dimensions (sliced).** The sliced distance averages the one-dimensional distance
/// of the projections θ·x over directions θ uniform on S^{d−1} (Rabin–Peyré–Delon–Bernot, SSVM
/// 2011; Bonneel et al., J. Math. Imaging Vis. 51, 2015). It is normalised here by the factor d,
///
///     SW₂²(μ, ν) = d · E_θ W₂²(θ#μ, θ#ν),
///
/// so that a translation by v has SW₂ = ‖v‖ and isotropic Gaussians N(m₁, s₁²I), N(m₂, s₂²I)
/// have SW₂ = W₂; in general SW₂ ≤ √d · W₂, and SW₂ = 0 only when μ = ν (it is a metric). The
/// expectation is estimated with F random orthonormal frames (F·d directions): each frame is
/// the Gram–Schmidt orthonormalisation of d independent standard Gaussian vectors, so every
/// direction is uniform on the sphere (the estimate is unbiased for SW₂²) and, because
/// Σ over a frame of (θ·v)² = ‖v‖², a translation is measured exactly with any number of frames.
/// The frames come from a keyed ``RandomStream``, so the same key gives the same directions.
/// Cost O(F·d·(n + m)·(d + log(n + m))).
public struct SlicedWasserstein: Sendable {
    public let dimension: Int
    /// The directions, row-major: direction ℓ is `directions[ℓ·d ..< (ℓ+1)·d]`; F·d of them.
    public let directions: [Double]

    /// `frames` (≥ 1) random orthonormal frames drawn from `stream`; in d = 1 the one direction +1.
    public init(dimension d: Int, frames: Int, stream: RandomStream) {
        precondition(d >= 1 && frames >= 1, "sliced Wasserstein: dimension \(d), frames \(frames)")
        self.dimension = d
        if d == 1 { directions = [1]; return }
        var all: [Double] = []
        all.reserveCapacity(frames * d * d)
        for _ in 0..<frames {
            var frame: [[Double]] = []
            while frame.count < d {
                var v = (0..<d).map { _ in stream.gaussian() }
                for _ in 0..<2 {  // twice-iterated Gram–Schmidt: orthogonal to rounding
                    for u in frame {
                        var dot = 0.0
                        for c in 0..<d { dot += u[c] * v[c] }
                        for c in 0..<d { v[c] -= dot * u[c] }
                    }
                }
                let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 1e-8 else { continue }  // probability zero; redraw
                frame.append(v.map { $0 / norm })
            }
            for u in frame { all.append(contentsOf: u) }
        }
        directions = all
    }

    /// Number of directions (F·d; 1 in one dimension).
    public var directionCount: Int { directions.count / dimension }

    /// SW₂² between the empirical measures of the points `a` and `b` (flat arrays of d-vectors,
    /// any positive counts). In d = 1 this is the exact W₂².
    public func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        let d = dimension
        precondition(a.count % d == 0 && b.count % d == 0 && !a.isEmpty && !b.isEmpty,
                     "sliced Wasserstein: \(a.count) and \(b.count) coordinates in dimension \(d)")
        if d == 1 { return Self.squaredDistance1D(a, b) }
        let na = a.count / d, nb = b.count / d
        var pa = [Double](repeating: 0, count: na), pb = [Double](repeating: 0, count: nb)
        var total = 0.0
        for l in 0..<directionCount {
            let theta = directions[(l * d)..<((l + 1) * d)]
            for i in 0..<na { var s = 0.0; for (c, t) in theta.enumerated() { s += t * a[i * d + c] }; pa[i] = s }
            for i in 0..<nb { var s = 0.0; for (c, t) in theta.enumerated() { s += t * b[i * d + c] }; pb[i] = s }
            total += Self.squaredDistance1D(pa, pb)
        }
        return Double(d) * total / Double(directionCount)
    }

    /// Exact W₂² between two empirical measures on ℝ (see the type's documentation).
    public static func squaredDistance1D(_ a: [Double], _ b: [Double]) -> Double {
        precondition(!a.isEmpty && !b.isEmpty, "W2 of an empty sample")
        let x = a.sorted(), y = b.sorted()
        let n = Double(x.count), m = Double(y.count)
        if x.count == y.count {
            var s = 0.0
            for i in x.indices { let e = x[i] - y[i]; s += e * e }
            return s / n
        }
        // Merge the breakpoints i/n and j/m of the two quantile step functions.
        var i = 0, j = 0, u = 0.0, s = 0.0
        while i < x.count && j < y.count {
            let nextA = Double(i + 1) / n, nextB = Double(j + 1) / m
            let next = min(nextA, nextB)
            let e = x[i] - y[j]
            s += (next - u) * e * e
            u = next
            if nextA <= next { i += 1 }
            if nextB <= next { j += 1 }
        }
        return s
    }
}
