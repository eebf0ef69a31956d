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
