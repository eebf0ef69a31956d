/// An external potential V: ℝᵈ → ℝ acting on each particle; integrators need −∇V.
public protocol ConfiningPotential: Sendable {
    /// out[0..<d] += −∇V(x).
    func addNegativeGradient(at x: UnsafePointer<Double>, dimension: Int, into out: UnsafeMutablePointer<Double>)
    /// V(x), for energies and documentation.
    func value(at x: UnsafePointer<Double>, dimension: Int) -> Double
    /// −∇V(xᵢ) added to outᵢ for the `particles` rows of x: one call per drift evaluation instead of
    /// one per particle. The default calls ``addNegativeGradient(at:dimension:into:)`` per row.
    func addNegativeGradients(at x: UnsafePointer<Double>, particles: Int, dimension: Int,
                              into out: UnsafeMutablePointer<Double>)
}

extension ConfiningPotential {
    public func addNegativeGradients(at x: UnsafePointer<Double>, particles: Int, dimension: Int,
                                     into out: UnsafeMutablePointer<Double>) {
        for i in 0..<particles { addNegativeGradient(at: x + i * dimension, dimension: dimension, into: out + i * dimension) }
    }
}

/// V(x) = ½·a·‖x‖², −∇V(x) = −a·x: strongly convex with constant a.
public struct QuadraticPotential: ConfiningPotential {
    public let strength: Double

    public init(strength: Double) { self.strength = strength }

    @inline(__always)
    public func addNegativeGradient(at x: UnsafePointer<Double>, dimension: Int, into out: UnsafeMutablePointer<Double>) {
        for c in 0..<dimension { out[c] -= strength * x[c] }
    }

    /// The rows' gradients in one vectorisable loop, with the roundings of the per-row method.
    public func addNegativeGradients(at x: UnsafePointer<Double>, particles: Int, dimension: Int,
                                     into out: UnsafeMutablePointer<Double>) {
        for k in 0..<(particles * dimension) { out[k] -= strength * x[k] }
    }

    public func value(at x: UnsafePointer<Double>, dimension: Int) -> Double {
        var s = 0.0
        for c in 0..<dimension { s += x[c] * x[c] }
        return 0.5 * strength * s
    }
}

/// V ≡ 0: no external force (the Thomson problem on the sphere, opinion dynamics on the line).
public struct NoPotential: ConfiningPotential {
    public init() {}

    @inline(__always)
    public func addNegativeGradient(at x: UnsafePointer<Double>, dimension: Int, into out: UnsafeMutablePointer<Double>) {}

    public func addNegativeGradients(at x: UnsafePointer<Double>, particles: Int, dimension: Int,
                                     into out: UnsafeMutablePointer<Double>) {}

    public func value(at x: UnsafePointer<Double>, dimension: Int) -> Double { 0 }
}
