import Foundation
import NumericsCore

/// The Thomson problem: N unit charges on the sphere S² minimising the Coulomb energy
///
///     E(x) = Σ_{i<j} 1/‖xᵢ − xⱼ‖,
///
/// by the gradient flow with the tangent projection. The flow is normalised per particle,
///
///     ẋᵢ = P⊥_{xᵢ} (1/(N−1)) Σ_{j≠i} (xᵢ − xⱼ)/‖xᵢ − xⱼ‖³   (P⊥_x y = y − ⟨x,y⟩x),
///
/// i.e. the gradient flow of E/(N−1), the time unit of a mean-field system: the forces stay O(1)
/// as N grows and RBM's batch sum (1/(p−1)) Σ_{j∈C} is the full sum scaled by (N−1)/(p−1), as
/// in Jin–Li–Liu (arXiv 1812.10575). Integrated by projected Euler with renormalisation
/// (``StateSpace/unitSphere``). Known minima from Wales & Ulker, Phys. Rev. B 74, 212101 (2006)
/// (the Cambridge Cluster Database); for N ≤ 12 the minimum is the only local minimum up to
/// rotations, so the flow from almost every start reaches it.
public enum ThomsonProblem {
    /// The known minimal energies min E for N = 2, 3, 4, 5, 6, 12, 32.
    public static let minimalEnergies: [Int: Double] = [
        2: 0.5, 3: 1.732050808, 4: 3.674234614, 5: 6.474691495, 6: 9.985281374, 12: 49.165253058, 32: 412.261274651,
    ]

    /// The largest N for which the flow from almost every start reaches the global minimum
    /// (the first N with a second local minimum is above 12).
    public static let uniqueMinimumMaximumParticles = 12

    /// E(x) = Σ_{i<j} 1/‖xᵢ − xⱼ‖ for N points in ℝᵈ (row-major), with compensated summation;
    /// +∞ when two points coincide. O(N²·d).
    public static func energy(_ x: [Double], particles n: Int, dimension d: Int) -> Double {
        var sum = CompensatedSum()
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                var r2 = 0.0
                for c in 0..<d { let z = x[i * d + c] - x[j * d + c]; r2 += z * z }
                sum.add(1 / r2.squareRoot())
            }
        }
        return sum.value
    }

    /// The default minimum separation of the initial points, 1/√N (see ``SeparatedSphereUniform``).
    public static func defaultMinimumSeparation(particles n: Int) -> Double { 1 / Double(n).squareRoot() }
}

/// N points on S^{d−1} drawn one after the other uniformly (a normalised Gaussian vector), each
/// redrawn until it is at least `minimumSeparation` from every earlier point (random sequential
/// adsorption). With separation δ = 1/√N on S² the excluded caps cover about 1/16 of the sphere,
/// far below the jamming coverage (≈ 0.55), so a point needs on average fewer than 1.1 draws.
/// The separation bounds the initial Coulomb force of a pair by 1/δ² = N, which keeps the flow's
/// first steps of size τ ≤ 1/8 accurate; the law is uniform conditioned on the separation.
/// After 10⁴ rejected draws for one point the last draw is kept (does not happen for δ ≤ 1/√N;
/// the initial condition is then still valid, only less separated). O(N²·d) draws on average.
public struct SeparatedSphereUniform: InitialDistribution {
    public let minimumSeparation: Double
    public init(minimumSeparation: Double) { self.minimumSeparation = minimumSeparation }

    public func fill(_ positions: inout [Double], particles n: Int, dimension d: Int, stream: RandomStream) {
        var point = [Double](repeating: 0, count: d)
        let limit2 = minimumSeparation * minimumSeparation
        for i in 0..<n {
            for _ in 0..<10_000 {
                repeat { stream.fillGaussian(&point, scale: 1) } while point.allSatisfy { $0 == 0 }
                Sphere.normalizeRows(&point, dimension: d)
                let separated = (0..<i).allSatisfy { j in
                    var r2 = 0.0
                    for c in 0..<d { let z = point[c] - positions[j * d + c]; r2 += z * z }
                    return r2 >= limit2
                }
                if separated { break }
            }
            for c in 0..<d { positions[i * d + c] = point[c] }
        }
    }
}
