import NumericsCore

/// Positions of n particles in ℝᵈ for the pair-sum tests: N(0, 1.5²) coordinates from the keyed
/// initial-condition stream of `seed`, with particle n − 1 placed exactly on particle 0 (a zero
/// separation every kernel path must handle).
func positionsWithCoincidentPair(particles n: Int, dimension d: Int, seed: UInt64) -> [Double] {
    var x = [Double](repeating: 0, count: n * d)
    RandomStream(seed: seed, purpose: .initialCondition).fillGaussian(&x, scale: 1.5)
    for c in 0..<d { x[(n - 1) * d + c] = x[c] }
    return x
}
