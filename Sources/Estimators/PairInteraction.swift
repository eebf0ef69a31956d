/// A pairwise interaction k(xᵢ, xⱼ) ∈ ℝᵈ between particles in ℝᵈ, the summand of the
/// mean-field sum yᵢ = (1/(N−1)) Σ_{j≠i} k(xᵢ, xⱼ).
///
/// For the particle systems of Jin–Li–Liu (arXiv 1812.10575) k(xᵢ, xⱼ) = K(xᵢ − xⱼ); the
/// two-argument form also covers attention-type interactions e^{β⟨Qxᵢ,Kxⱼ⟩}Vxⱼ.
/// Conforming types implement `accumulate` with `@inline(__always)`; the sums below are
/// `@inlinable` so they are specialised for each concrete interaction.
public protocol PairInteraction: Sendable {
    /// A short identifier, e.g. "bounded-attraction".
    var name: String { get }
    /// out[0..<d] += weight · k(xᵢ, xⱼ), with xᵢ, xⱼ pointing at d consecutive coordinates.
    func accumulate(_ xi: UnsafePointer<Double>, _ xj: UnsafePointer<Double>, dimension: Int,
                    weight: Double, into out: UnsafeMutablePointer<Double>)
    /// out[0..<d] += weight · Σ_{j ∈ sources, j ≠ i} k(xᵢ, xⱼ). O(|sources|·d).
    func accumulateSum(target i: Int, sources: UnsafeBufferPointer<Int32>, positions: UnsafePointer<Double>,
                       dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>)
    /// out[0..<d] += weight · Σ_{j ∈ 0..<count, j ≠ i} k(xᵢ, xⱼ). O(N·d).
    func accumulateSum(target i: Int, count: Int, positions: UnsafePointer<Double>,
                       dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>)
}

extension PairInteraction {
    @inlinable
    public func accumulateSum(target i: Int, sources: UnsafeBufferPointer<Int32>, positions: UnsafePointer<Double>,
                              dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>) {
        let xi = positions + i * dimension
        for source in sources {
            let j = Int(source)
            if j != i { accumulate(xi, positions + j * dimension, dimension: dimension, weight: weight, into: out) }
        }
    }

    @inlinable
    public func accumulateSum(target i: Int, count: Int, positions: UnsafePointer<Double>,
                              dimension: Int, weight: Double, into out: UnsafeMutablePointer<Double>) {
        let xi = positions + i * dimension
        for j in 0..<count where j != i {
            accumulate(xi, positions + j * dimension, dimension: dimension, weight: weight, into: out)
        }
    }
}
