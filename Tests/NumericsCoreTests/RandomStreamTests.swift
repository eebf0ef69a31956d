import CNumerics
import NumericsCore
import Testing

@Suite("Random streams (Philox4x32-10)")
struct RandomStreamTests {
    /// Random123 `kat_vectors` (Salmon et al., SC'11): counter[4], key[2] → output[4].
    static let knownAnswers: [(counter: [UInt32], key: [UInt32], output: [UInt32])] = [
        ([0, 0, 0, 0], [0, 0], [0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8]),
        ([0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff], [0xffff_ffff, 0xffff_ffff],
         [0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd]),
        ([0x243f_6a88, 0x85a3_08d3, 0x1319_8a2e, 0x0370_7344], [0xa409_3822, 0x299f_31d0],
         [0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1]),
    ]

    @Test("Philox4x32-10 reproduces Random123's known-answer vectors", arguments: 0..<3)
    func philoxKnownAnswers(_ index: Int) {
        let vector = Self.knownAnswers[index]
        var output = [UInt32](repeating: 0, count: 4)
        cnumerics_philox4x32_10(vector.counter, vector.key, &output)
        #expect(output == vector.output)
    }

    @Test("the GSL generator emits the Philox block of (counter, key) in order")
    func generatorEmitsPhiloxBlocks() {
        // Stream (seed, trajectory, purpose, index): key = seed, counter = (block, purpose·2²⁴+index, trajectory).
        let seed: UInt64 = 0x299f_31d0_a409_3822, trajectory: UInt64 = 0x0370_7344_1319_8a2e
        let stream = RandomStream(seed: seed, trajectory: trajectory, purpose: .brownianNoise, index: 5)
        var expected: [UInt32] = []
        for block: UInt32 in 0..<2 {
            var out = [UInt32](repeating: 0, count: 4)
            let counter: [UInt32] = [block, (2 << 24) | 5, UInt32(truncatingIfNeeded: trajectory), UInt32(trajectory >> 32)]
            cnumerics_philox4x32_10(counter, [UInt32(truncatingIfNeeded: seed), UInt32(seed >> 32)], &out)
            expected += out
        }
        let drawn = (0..<8).map { _ in UInt32(gsl_rng_get(stream.gslGenerator)) }
        #expect(drawn == expected)
    }

    @Test("streams with different keys are distinct")
    func differentKeysAreDistinct() {
        let keys = [
            StreamKey(seed: 1, trajectory: 0, purpose: .brownianNoise),
            StreamKey(seed: 2, trajectory: 0, purpose: .brownianNoise),
            StreamKey(seed: 1 | (1 << 40), trajectory: 0, purpose: .brownianNoise),  // high seed bits count
            StreamKey(seed: 1, trajectory: 1, purpose: .brownianNoise),
            StreamKey(seed: 1, trajectory: 1 << 40, purpose: .brownianNoise),        // high trajectory bits count
            StreamKey(seed: 1, trajectory: 0, purpose: .batchPartition),
            StreamKey(seed: 1, trajectory: 0, purpose: .brownianNoise, index: 1),
        ]
        let draws = keys.map { key -> [Double] in
            let stream = RandomStream(key)
            return (0..<16).map { _ in stream.uniform() }
        }
        for a in 0..<keys.count {
            for b in (a + 1)..<keys.count {
                let shared = zip(draws[a], draws[b]).filter { $0 == $1 }.count
                #expect(shared == 0, "keys \(keys[a]) and \(keys[b]) share \(shared) of 16 draws")
            }
        }
    }

    @Test("same key reproduces bit-identical draws")
    func sameKeyReproduces() {
        let key = StreamKey(seed: 0xdead_beef_cafe_f00d, trajectory: 123_456_789_012, purpose: .estimatorDraws, index: 7)
        func sample(_ stream: RandomStream) -> [UInt64] {
            var values: [Double] = (0..<100).map { _ in stream.gaussian() }
            values += (0..<100).map { _ in stream.uniform() }
            values += (0..<100).map { _ in Double(stream.uniformInt(below: 1000)) }
            var perm: [Int32] = Array(0..<50)
            stream.shuffle(&perm)
            values += perm.map(Double.init)
            return values.map(\.bitPattern)
        }
        #expect(sample(RandomStream(key)) == sample(RandomStream(key)))
    }

    @Test("gaussian draws have mean 0 and variance 1 within 4 standard errors")
    func gaussianMoments() {
        let stream = RandomStream(seed: 2024, purpose: .configuration)
        var moments = RunningMoments()
        for _ in 0..<200_000 { moments.add(stream.gaussian()) }
        #expect(abs(moments.mean) < 4 * moments.standardErrorOfMean, "mean \(moments.mean) ± \(moments.standardErrorOfMean)")
        #expect(abs(moments.variance - 1) < 4 * moments.standardErrorOfVariance,
                "variance \(moments.variance) ± \(moments.standardErrorOfVariance)")
        #expect(abs(moments.excessKurtosis) < 0.1, "excess kurtosis \(moments.excessKurtosis)")
    }

    @Test("uniform draws lie in (0, 1) with mean 1/2 and variance 1/12 within 4 standard errors")
    func uniformMoments() {
        let stream = RandomStream(seed: 2025, purpose: .configuration)
        var moments = RunningMoments()
        var inside = true
        for _ in 0..<200_000 {
            let u = stream.uniform()
            inside = inside && u > 0 && u < 1
            moments.add(u)
        }
        #expect(inside)
        #expect(abs(moments.mean - 0.5) < 4 * moments.standardErrorOfMean)
        #expect(abs(moments.variance - 1.0 / 12) < 4 * moments.standardErrorOfVariance)
    }

    @Test("shuffle yields uniform positions (chi-squared)")
    func shuffleUniformPositions() {
        let n = 8, shuffles = 40_000
        let stream = RandomStream(seed: 77, purpose: .batchPartition)
        var counts = [Int](repeating: 0, count: n * n)  // counts[element * n + position]
        var perm = [Int32](repeating: 0, count: n)
        for _ in 0..<shuffles {
            for k in 0..<n { perm[k] = Int32(k) }
            stream.shuffle(&perm)
            for (position, element) in perm.enumerated() { counts[Int(element) * n + position] += 1 }
        }
        let expected = Double(shuffles) / Double(n)
        let chiSquared = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        // Both margins of the element × position table are fixed: (n−1)² degrees of freedom.
        let pValue = Distributions.chiSquaredUpperTail(chiSquared, degreesOfFreedom: Double((n - 1) * (n - 1)))
        #expect(pValue > 1e-4, "χ² = \(chiSquared), p = \(pValue)")
    }

    @Test("shuffle gives gsl_ran_shuffle's permutation bit for bit and leaves the stream in the same state",
          arguments: [0, 1, 2, 3, 31, 32, 33, 1000, 65_537])
    func shuffleEqualsGSLShuffle(count n: Int) {
        var ours = (0..<Int32(n)).map { $0 }, theirs = ours
        let a = RandomStream(seed: 78, purpose: .batchPartition), b = RandomStream(seed: 78, purpose: .batchPartition)
        a.shuffle(&ours)
        // gsl_ran_shuffle itself loops over size_t n − 1, so it must not be called with n = 0.
        if n > 0 { theirs.withUnsafeMutableBytes { raw in gsl_ran_shuffle(b.gslGenerator, raw.baseAddress, n, MemoryLayout<Int32>.stride) } }
        #expect(ours == theirs)
        #expect(a.uniform() == b.uniform(), "the next draw after the shuffle differs")
        if n >= 31 { #expect(ours != (0..<Int32(n)).map { $0 }, "the shuffle left the identity") }
    }

    @Test("choose yields each index with probability k/n (chi-squared)")
    func chooseUniformInclusion() {
        let n = 10, k = 3, draws = 30_000
        let stream = RandomStream(seed: 78, purpose: .batchPartition)
        let population: [Int32] = Array(0..<Int32(n))
        var out = [Int32](repeating: 0, count: k)
        var counts = [Int](repeating: 0, count: n)
        var distinct = true
        for _ in 0..<draws {
            stream.choose(k, from: population, into: &out)
            distinct = distinct && Set(out).count == k
            for j in out { counts[Int(j)] += 1 }
        }
        #expect(distinct)
        let expected = Double(draws * k) / Double(n)
        // Inclusion indicators of one draw are negatively correlated: Var = np(1−p)·n/(n−1) in
        // total; this Pearson statistic is ≈ (1−k/n)·χ²_{n−1}, conservative for this test.
        let chiSquared = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        let pValue = Distributions.chiSquaredUpperTail(chiSquared, degreesOfFreedom: Double(n - 1))
        #expect(pValue > 1e-4, "χ² = \(chiSquared), p = \(pValue)")
    }
}
