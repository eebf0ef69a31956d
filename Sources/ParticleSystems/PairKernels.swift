import CNumerics
import Estimators

/// K(z) = c·z/√(1+‖z‖²), z = xᵢ − xⱼ: bounded (‖K‖ < c) and Lipschitz with constant ≈ c.
/// A smooth repulsion; with c = 0.25 < 1 = strong convexity of V = ½‖x‖², the hypotheses of
/// the RBM error theorem hold.
public struct BoundedSmoothKernel: PairInteraction {
    public let strength: Double
    public init(strength: Double) { self.strength = strength }
    public var name: String { "bounded-smooth" }

    @inline(__always)
    public func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int,
                           weight: Double, into out: UnsafeMutablePointer<Double>) {
        if dimension == 2 {
            let z0 = xi[0] - xj[0], z1 = xi[1] - xj[1]
            let scale = weight * strength / (1 + z0 * z0 + z1 * z1).squareRoot()
            out[0] += scale * z0
            out[1] += scale * z1
            return
        }
        var norm2 = 0.0
        for c in 0..<dimension { let z = xi[c] - xj[c]; norm2 += z * z }
        let scale = weight * strength / (1 + norm2).squareRoot()
        for c in 0..<dimension { out[c] += scale * (xi[c] - xj[c]) }
    }

    /// Largest dimension of the vectorised exact sums (their per-target state lives in registers
    /// and a small stack buffer); above it the per-pair scalar path runs.
    public static let vectorSumMaximumDimension = 64

    /// The exact sums of a block of targets, vectorised over 8 targets at a time (AVX-512, AVX2 or
    /// SSE2, chosen at load time): per source j one broadcast of xⱼ, then (xᵢ − xⱼ), ‖·‖², one
    /// square root and one division per lane. Above d = 8 the sources run in blocks of 8 (their eight
    /// ‖z‖² chains first, then the terms per coordinate), which keeps the vector units busy instead
    /// of waiting on one chain of d additions; about 6·d vector operations per 8 pairs then bound it. Same j order and roundings as `accumulate` (no
    /// fused multiply-add), so bit-identical to the per-pair path; the j = i lane adds an exact
    /// +0 (a sum that starts at +0 never becomes −0). O(|targets|·N·d), one sqrt and div per pair.
    public func exactSums(targets: Range<Int>, count: Int, positions: UnsafePointer<Double>,
                          dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>) {
        guard dimension >= 1, dimension <= Self.vectorSumMaximumDimension, !targets.isEmpty else {
            exactSumsPerPair(self, targets: targets, count: count, positions: positions, dimension: dimension,
                             weight: weight, into: out)
            return
        }
        cnumerics_smooth_pair_sums(positions, count, dimension, targets.lowerBound, targets.count, weight * strength, out)
    }

    /// The sampled sums of a block of targets, each over its own list of sources, vectorised over 8
    /// targets at a time (`cnumerics_smooth_listed_sums`: the lanes gather their sources). Each target's
    /// terms, order and roundings are those of `accumulate` over its list (no fused multiply-add), so
    /// bit-identical to the per-target path. O(Σₜ lengths[t] · d), one sqrt and div per pair.
    public func listedSums(targets: Range<Int>, sources: UnsafePointer<Int32>, starts: UnsafePointer<Int>,
                           lengths: UnsafePointer<Int>, positions: UnsafePointer<Double>, dimension: Int, weight: Double,
                           into out: UnsafeMutablePointer<Double>) {
        guard dimension >= 1, dimension <= Self.vectorSumMaximumDimension, !targets.isEmpty else {
            listedSumsPerTarget(self, targets: targets, sources: sources, starts: starts, lengths: lengths,
                                positions: positions, dimension: dimension, weight: weight, into: out)
            return
        }
        cnumerics_smooth_listed_sums(positions, dimension, targets.lowerBound, targets.count, sources, starts, lengths,
                                     weight * strength, out)
    }

    /// Batches of p ∈ {2, 4, 8} in d ≤ 8 run 8/p at a time in one vector (`cnumerics_smooth_batch_sums`:
    /// each lane meets the rows of its own batch in order, so the sums are bit-identical to
    /// ``exactSums(targets:count:positions:dimension:weight:into:)`` per batch); batches left over
    /// (fewer than 8/p) and other p or d run per batch.
    public func batchSums(batches: Int, batchSize p: Int, positions: UnsafePointer<Double>, dimension d: Int,
                          weight: Double, into out: UnsafeMutablePointer<Double>) {
        let perVector = 8 % p == 0 ? 8 / p : 0
        let vectorised = perVector > 0 ? batches / perVector * perVector : 0
        var done = 0
        if vectorised > 0,
           cnumerics_smooth_batch_sums(positions, vectorised, p, d, weight * strength, out) == 1 {
            done = vectorised
        }
        for b in done..<batches {
            exactSums(targets: 0..<p, count: p, positions: positions + b * p * d, dimension: d, weight: weight,
                      into: out + b * p * d)
        }
    }

    /// Largest dimension of the Newton's-third-law kernel with the roundings of `accumulate`
    /// (`cnumerics_smooth_block_pair`): its 8×8 tiles keep 4·d vectors in registers, which pays up to
    /// d = 8 (measured by `rbm-bench exact-drift`). Above it the fused kernel runs.
    public static let blockPairMaximumDimension = 8

    /// K(−z) = −K(z) bit for bit, so the exact sum may evaluate each pair once (vectorised 8×8 tiles):
    /// for d ≤ ``blockPairMaximumDimension`` with the roundings of `accumulate`
    /// (`cnumerics_smooth_block_pair`: only the order of each particle's terms differs); above it with
    /// fused multiply-adds (`cnumerics_smooth_block_pair_fused`: ‖z‖² = fma(z_c, z_c, ‖z‖²), each term
    /// added as y ← fma(s, ±z_c, y), s = w·c/√(1+‖z‖²)): per coordinate and vector of 8 unordered pairs
    /// about 3 fused multiply-adds, 2 subtractions and 1.5 lane rotations, against 6 operations per
    /// coordinate and vector of 8 ordered pairs of the per-target sums. The fused sums are the same
    /// bits on every CPU (explicit fma, libm's in the baseline clone) and for any thread count, and
    /// differ from the per-pair sums by at most 2(γ_{N−1} + γ_{d+4})·Σ_{j≠i}|tᵢⱼ| per coordinate to
    /// first order in u (tᵢⱼ the per-pair terms, γ_m = m·u/(1 − m·u), u = 2⁻⁵³): both round each scale
    /// within γ_{d+4} of the exact one and sum N − 1 terms (Higham, *Accuracy and Stability of
    /// Numerical Algorithms*, §3.1, §4.2). The per-target sums
    /// (``exactSums(targets:count:positions:dimension:weight:into:)``, batches, listed sums) stay
    /// unfused, bit-identical to `accumulate`: a different path. O(N²·d) for the whole sum, one square
    /// root and division per unordered pair.
    public func antisymmetricBlockPairKernel(dimension: Int) -> AntisymmetricBlockPairKernel? {
        guard dimension >= 1 else { return nil }
        if dimension <= Self.blockPairMaximumDimension {
            return AntisymmetricBlockPairKernel(strength: strength, function: cnumerics_smooth_block_pair)
        }
        return AntisymmetricBlockPairKernel(strength: strength, function: cnumerics_smooth_block_pair_fused, skewsColumns: true)
    }
}

/// K(z) = −κ·z: linear attraction towards the other particles (Ornstein–Uhlenbeck mean field).
public struct LinearKernel: PairInteraction {
    public let coupling: Double
    public init(coupling: Double) { self.coupling = coupling }
    public var name: String { "linear" }

    @inline(__always)
    public func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int,
                           weight: Double, into out: UnsafeMutablePointer<Double>) {
        let scale = -weight * coupling
        for c in 0..<dimension { out[c] += scale * (xi[c] - xj[c]) }
    }
}

/// K(z) = c/z in one dimension: the singular log-gas (Dyson) repulsion.
public struct InverseDistanceKernel: PairInteraction {
    public let strength: Double
    public init(strength: Double) { self.strength = strength }
    public var name: String { "inverse-distance" }

    @inline(__always)
    public func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int,
                           weight: Double, into out: UnsafeMutablePointer<Double>) {
        out[0] += weight * strength / (xi[0] - xj[0])
    }
}

/// K(z) = c·z/‖z‖³: the Coulomb repulsion, the negative gradient of c/‖z‖ (Thomson problem).
/// Singular at z = 0: a pair at distance r exerts c/r². Unbounded and not Lipschitz, so the RBM
/// strong-error theorem (Jin–Li–Liu, arXiv 1812.10575) does not cover it; the batch sum is
/// still an unbiased estimate of the full sum at every configuration without coincident points.
public struct CoulombKernel: PairInteraction {
    public let strength: Double
    public init(strength: Double) { self.strength = strength }
    public var name: String { "coulomb" }

    @inline(__always)
    public func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int,
                           weight: Double, into out: UnsafeMutablePointer<Double>) {
        var norm2 = 0.0
        for c in 0..<dimension { let z = xi[c] - xj[c]; norm2 += z * z }
        let scale = weight * strength / (norm2 * norm2.squareRoot())
        for c in 0..<dimension { out[c] += scale * (xi[c] - xj[c]) }
    }
}

/// K(z) = −α·1{‖z‖ ≤ r}·z: bounded-confidence attraction (Hegselmann–Krause type; Hegselmann &
/// Krause, JASSS 5(3) 2002; the continuous-time form in Motsch & Tadmor, SIAM Rev. 56 (2014),
/// arXiv 1301.4123): particle i moves towards every j within the confidence radius r and
/// ignores the others. Bounded (‖K‖ ≤ αr) but discontinuous at ‖z‖ = r, hence not Lipschitz.
public struct BoundedConfidenceKernel: PairInteraction {
    public let strength: Double
    public let radius: Double
    public init(strength: Double, radius: Double = 1) {
        self.strength = strength
        self.radius = radius
    }
    public var name: String { "bounded-confidence" }

    @inline(__always)
    public func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int,
                           weight: Double, into out: UnsafeMutablePointer<Double>) {
        var norm2 = 0.0
        for c in 0..<dimension { let z = xi[c] - xj[c]; norm2 += z * z }
        guard norm2 <= radius * radius else { return }
        let scale = -weight * strength
        for c in 0..<dimension { out[c] += scale * (xi[c] - xj[c]) }
    }
}
