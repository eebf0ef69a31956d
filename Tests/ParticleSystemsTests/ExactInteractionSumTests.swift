import Testing
import Estimators
import NumericsCore
import ParticleSystems

@Suite("Exact interaction sum")
struct ExactInteractionSumTests {
    private func exactSum(_ interaction: any PairInteraction, _ x: [Double], particles n: Int, dimension d: Int,
                          threads: Int) -> [Double] {
        var y = [Double](repeating: .nan, count: n * d)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                ExactInteractionSum(threads: threads).estimate(interaction: interaction, positions: px, particles: n, dimension: d,
                                                              into: py, workspace: EstimatorWorkspace(particles: n),
                                                              stream: RandomStream(seed: 0, purpose: .estimatorDraws))
            }
        }
        return y
    }

    /// yᵢ by the per-pair scalar path: `accumulate` over j = 0, 1, … (j ≠ i) into a zeroed row.
    private func perPairSum<K: PairInteraction>(_ interaction: K, _ x: [Double], particles n: Int, dimension d: Int) -> [Double] {
        var y = [Double](repeating: 0, count: n * d)
        let weight = 1.0 / Double(n - 1)
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                for i in 0..<n {
                    for j in 0..<n where j != i {
                        interaction.accumulate(px.baseAddress! + i * d, px.baseAddress! + j * d, dimension: d, weight: weight,
                                               into: py.baseAddress! + i * d)
                    }
                }
            }
        }
        return y
    }

    /// Σ_{j≠i} |weight·kᶜ(xᵢ, xⱼ)| per coordinate: the scale of the summation-order error bound.
    private func absoluteTermSums<K: PairInteraction>(_ interaction: K, _ x: [Double], particles n: Int, dimension d: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: n * d), term = [Double](repeating: 0, count: d)
        let weight = 1.0 / Double(n - 1)
        x.withUnsafeBufferPointer { px in
            term.withUnsafeMutableBufferPointer { pt in
                for i in 0..<n {
                    for j in 0..<n where j != i {
                        pt.update(repeating: 0)
                        interaction.accumulate(px.baseAddress! + i * d, px.baseAddress! + j * d, dimension: d, weight: weight,
                                               into: pt.baseAddress!)
                        for c in 0..<d { sums[i * d + c] += abs(pt[c]) }
                    }
                }
            }
        }
        return sums
    }

    @Test("smooth kernel: the vectorised per-target sums are bit-identical to the per-pair scalar sum (d = 1, 2, 3, 7, 9, 12, 16, 64, 65; N not a multiple of 8)",
          arguments: [(1, 37), (2, 133), (3, 75), (7, 45), (9, 61), (12, 29), (16, 70), (64, 19), (65, 12)])
    func vectorSumIsBitIdenticalToPerPairSum(dimension d: Int, particles n: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let x = positionsWithCoincidentPair(particles: n, dimension: d, seed: UInt64(100 + d))
        var vector = [Double](repeating: .nan, count: n * d)
        x.withUnsafeBufferPointer { px in
            vector.withUnsafeMutableBufferPointer { py in
                kernel.exactSums(targets: 0..<n, count: n, positions: px.baseAddress!, dimension: d,
                                 weight: 1.0 / Double(n - 1), into: py.baseAddress!)
            }
        }
        let scalar = perPairSum(kernel, x, particles: n, dimension: d)
        let mismatches = zip(vector, scalar).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(n * d) coordinates differ in their bits")
        #expect(vector.allSatisfy { $0.isFinite })
    }

    /// Newton's third law adds the same terms in another order: per coordinate
    /// |y − y_perPair| ≤ 2γ_{N−2}·Σ_{j≠i}|terms|, γ_m = m·u/(1 − m·u), u = 2⁻⁵³ (Higham §4.2).
    @Test("smooth kernel: the Newton's-third-law exact sum is within 2γ_{N−2}·Σ|terms| of the per-pair sum (d = 1, 2, 3, 5, 8; one to nine blocks)",
          arguments: [(1, 37), (2, 133), (2, 1100), (3, 75), (3, 517), (5, 300), (8, 70), (8, 2100)])
    func newtonSumIsWithinSummationBound(dimension d: Int, particles n: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let x = positionsWithCoincidentPair(particles: n, dimension: d, seed: UInt64(200 + d))
        let newton = exactSum(kernel, x, particles: n, dimension: d, threads: 1)
        let scalar = perPairSum(kernel, x, particles: n, dimension: d)
        let scale = absoluteTermSums(kernel, x, particles: n, dimension: d)
        let u: Double = 0x1p-53, m = Double(n - 2)
        let gamma: Double = m * u / (1 - m * u)
        var worst = 0.0
        for k in 0..<(n * d) where newton[k] != scalar[k] {
            let difference: Double = abs(newton[k] - scalar[k])
            worst = max(worst, difference / (2 * gamma * scale[k]))
        }
        #expect(worst <= 1, "largest difference is \(worst) of the bound")
        #expect(newton.allSatisfy { $0.isFinite })
    }

    /// Above d = 8 the Newton kernel fuses its multiply-adds: both paths round each scale
    /// s = w·c/√(1+‖z‖²) within γ_{d+4}·s of the exact value (‖z‖² within γ_d, then 1 +, √ and ÷) and
    /// sum N − 1 terms s·z (the per-pair path rounds each product, then adds; the fused path rounds
    /// each multiply-add once), each within γ_{N−1}·Σ|s·z|, so per coordinate
    /// |y_fused − y_perPair| ≤ 2(γ_{N−1} + γ_{d+4})(1 + γ_{d+4})/((1 − u)(1 − γ_{d+4}))·Σ_{j≠i}|tᵢⱼ|,
    /// tᵢⱼ the per-pair terms (Higham §3.1, §4.2).
    @Test("smooth kernel: the fused Newton's-third-law exact sum (d > 8) is within 2(γ_{N−1} + γ_{d+4})·Σ|terms| of the per-pair sum (d = 9, 12, 16, 33; one and three blocks; N = 600 with skewed column stride)",
          arguments: [(9, 61), (12, 29), (16, 70), (16, 517), (9, 600), (33, 40)])
    func fusedNewtonSumIsWithinRoundingBound(dimension d: Int, particles n: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let x = positionsWithCoincidentPair(particles: n, dimension: d, seed: UInt64(300 + d))
        let fused = exactSum(kernel, x, particles: n, dimension: d, threads: 1)
        let scalar = perPairSum(kernel, x, particles: n, dimension: d)
        let scale = absoluteTermSums(kernel, x, particles: n, dimension: d)
        let u: Double = 0x1p-53
        func gamma(_ m: Int) -> Double { Double(m) * u / (1 - Double(m) * u) }
        let bound = 2 * (gamma(n - 1) + gamma(d + 4)) * (1 + gamma(d + 4)) / ((1 - u) * (1 - gamma(d + 4)))
        var worst = 0.0, differing = 0
        for k in 0..<(n * d) where fused[k] != scalar[k] {
            differing += 1
            worst = max(worst, abs(fused[k] - scalar[k]) / (bound * scale[k]))
        }
        #expect(worst <= 1, "largest difference is \(worst) of the bound")
        #expect(differing > 0, "the fused sums should round differently somewhere (no coordinate differs)")
        #expect(fused.allSatisfy { $0.isFinite })
    }

    /// The fused kernel's stated arithmetic, bit for bit, where the order of a particle's terms cannot
    /// matter (N = 2: one term each): ‖z‖² = fma(z_c, z_c, ‖z‖²) from +0, s = w·c/√(1 + ‖z‖²),
    /// y_i,c = fma(s, z_c, +0), z = fl(x_i − x_j); y_j = the same with fl(x_j − x_i). The reference is
    /// scalar Swift (`addingProduct` is the correctly rounded fused multiply-add), independent of the
    /// C kernel; masked padding lanes must add exact zeros.
    @Test("smooth kernel: at N = 2 the fused exact sum is bit for bit the fused-multiply-add formula (d = 9, 16, 64, 65, 100)",
          arguments: [9, 16, 64, 65, 100])
    func fusedExactSumOfTwoParticlesIsTheFusedFormula(dimension d: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        var x = [Double](repeating: 0, count: 2 * d)
        RandomStream(seed: UInt64(500 + d), purpose: .initialCondition).fillGaussian(&x, scale: 1.5)
        let fused = exactSum(kernel, x, particles: 2, dimension: d, threads: 1)
        let weightStrength = 1.0 * kernel.strength  // weight 1/(N − 1) = 1
        var expected = [Double](repeating: 0, count: 2 * d)
        for (i, j) in [(0, 1), (1, 0)] {
            var norm2 = 0.0
            for c in 0..<d { let z = x[i * d + c] - x[j * d + c]; norm2 = norm2.addingProduct(z, z) }
            let s = weightStrength / (1 + norm2).squareRoot()
            for c in 0..<d { expected[i * d + c] = (0.0).addingProduct(s, x[i * d + c] - x[j * d + c]) }
        }
        let mismatches = zip(fused, expected).filter { $0.0.bitPattern != $0.1.bitPattern }.count
        #expect(mismatches == 0, "\(mismatches) of \(2 * d) coordinates differ in their bits")
        #expect(fused.contains { $0 != 0 })
    }

    /// The bound of ``fusedNewtonSumIsWithinRoundingBound(dimension:particles:)`` at the edges of the
    /// kernel's 8-lane groups and 16-particle double tiles: N below 8, a multiple of 8 and of 16, one
    /// past them, and d up to 100. A pair missed or added twice moves a sum by a whole term, far beyond
    /// the bound. (Some of these sums may round exactly as the per-pair ones, so unlike the test above
    /// this one does not require a difference.)
    @Test("smooth kernel: the fused exact sum is within its rounding bound for N = 3, 7, 8, 9, 16, 17, 24, 33 and d = 9, 64, 65, 100",
          arguments: [(9, 3), (65, 7), (9, 8), (64, 9), (100, 16), (9, 17), (65, 24), (64, 33)])
    func fusedNewtonSumIsWithinRoundingBoundAtGroupEdges(dimension d: Int, particles n: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let x = positionsWithCoincidentPair(particles: n, dimension: d, seed: UInt64(600 + d + n))
        let fused = exactSum(kernel, x, particles: n, dimension: d, threads: 1)
        let scalar = perPairSum(kernel, x, particles: n, dimension: d)
        let scale = absoluteTermSums(kernel, x, particles: n, dimension: d)
        let u: Double = 0x1p-53
        func gamma(_ m: Int) -> Double { Double(m) * u / (1 - Double(m) * u) }
        let bound = 2 * (gamma(n - 1) + gamma(d + 4)) * (1 + gamma(d + 4)) / ((1 - u) * (1 - gamma(d + 4)))
        let outside = (0..<(n * d)).filter { !(abs(fused[$0] - scalar[$0]) <= bound * scale[$0]) }.count
        #expect(outside == 0, "\(outside) of \(n * d) coordinates outside the bound")
        #expect(scale.contains { $0 > 0 })
    }

    @Test("exact sum is bit-identical for 1, 2 and 3 threads (smooth, d = 2, 3, 8 and fused d = 9, 12, 16; N = 517, 1100, 2100 span 3, 5 and 9 blocks)",
          arguments: [(2, 2100), (3, 517), (8, 2100), (9, 517), (12, 517), (16, 1100)])
    func exactSumIsBitIdenticalAcrossThreadCounts(dimension d: Int, particles n: Int) {
        let kernel = BoundedSmoothKernel(strength: 0.25)
        let x = positionsWithCoincidentPair(particles: n, dimension: d, seed: 7)
        let one = exactSum(kernel, x, particles: n, dimension: d, threads: 1)
        for threads in [2, 3] {
            let many = exactSum(kernel, x, particles: n, dimension: d, threads: threads)
            #expect(zip(one, many).allSatisfy { $0.0.bitPattern == $0.1.bitPattern }, "threads = \(threads)")
        }
    }

    @Test("per-target exact sum (a kernel without Newton's third law) is bit-identical for 1, 2 and 3 threads")
    func perTargetSumIsBitIdenticalAcrossThreadCounts() {
        let n = 517, d = 3
        let kernel = LinearKernel(coupling: 0.5)
        let x = positionsWithCoincidentPair(particles: n, dimension: d, seed: 8)
        let one = exactSum(kernel, x, particles: n, dimension: d, threads: 1)
        let scalar = perPairSum(kernel, x, particles: n, dimension: d)
        #expect(zip(one, scalar).allSatisfy { $0.0.bitPattern == $0.1.bitPattern })
        for threads in [2, 3] {
            let many = exactSum(kernel, x, particles: n, dimension: d, threads: threads)
            #expect(zip(one, many).allSatisfy { $0.0.bitPattern == $0.1.bitPattern }, "threads = \(threads)")
        }
    }
}
