import Estimators
import Foundation
import ParticleSystems

/// A first-order Cucker–Smale-like alignment kernel: each particle is pulled towards the others
/// with the communication weight ψ(r) = 1/(1 + r²)^γ,
///
///     K(xᵢ, xⱼ) = ψ(‖xⱼ − xᵢ‖)·(xⱼ − xᵢ),
///
/// bounded and smooth with bounded derivative for γ ≥ ½ (Cucker & Smale, IEEE Trans. Automat.
/// Control 52 (2007); the RBM error bound of Jin, Li, Liu, arXiv 1812.10575, covers it).
public struct CuckerSmaleLikeAlignment: PairInteraction {
    public let exponent: Double
    public init(exponent: Double = 0.5) { self.exponent = exponent }
    public var name: String { "cucker-smale-like" }

    public func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int, weight: Double,
                           into out: UnsafeMutablePointer<Double>) {
        var r2 = 0.0
        for c in 0..<dimension { let z = xj[c] - xi[c]; r2 += z * z }
        let psi = weight * pow(1 + r2, -exponent)
        for c in 0..<dimension { out[c] += psi * (xj[c] - xi[c]) }
    }
}

extension ParticleProblem {
    /// N particles in ℝ², Cucker–Smale-like alignment in a weak quadratic well, noise σ.
    public static func cuckerSmaleLike(particles: Int, noise: Double) -> ParticleProblem {
        ParticleProblem(name: "cucker-smale-like", particles: particles, dimension: 2, potential: QuadraticPotential(strength: 0.5),
                        interaction: CuckerSmaleLikeAlignment(), noise: noise, initialCondition: .gaussian(standardDeviation: 1.5),
                        knownFacts: "Cucker–Smale-like alignment, ψ(r) = (1 + r²)^(−1/2), in V = ¼‖x‖²")
    }
}
