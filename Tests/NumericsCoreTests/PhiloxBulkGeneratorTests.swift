import CNumerics
import NumericsCore
import Testing

/// The bulk Philox generator (16 blocks per refill, vector lanes) and RandomStream's inline draws
/// against the scalar one-block generator and GSL's own samplers: same values, same draws, bit for bit.
@Suite("Bulk Philox generator equals the scalar reference")
struct PhiloxBulkGeneratorTests {
    static let keys: [StreamKey] = [
        StreamKey(seed: 0, trajectory: 0, purpose: .initialCondition),
        StreamKey(seed: 2024, trajectory: 17, purpose: .brownianNoise, index: 3),
        StreamKey(seed: 0x299f_31d0_a409_3822, trajectory: 0x0370_7344_1319_8a2e, purpose: .batchPartition, index: 5),
        StreamKey(seed: .max, trajectory: .max, purpose: .projections, index: 0xff_ffff),
        StreamKey(seed: 1 << 40, trajectory: 1 << 33, purpose: .estimatorDraws, index: 1),
    ]

    @Test("the bulk generator emits the scalar Philox blocks in order across buffer boundaries", arguments: 0..<5)
    func bulkEqualsScalarBlocks(_ keyIndex: Int) throws {
        let key = Self.keys[keyIndex]
        let stream = RandomStream(key), reference = ScalarPhiloxReference(key)
        let state = try #require(cnumerics_philox_state_of(stream.gslGenerator))
        // 3½ buffers: every position of a buffer, and three refills.
        let count = 3 * Int(CNUMERICS_PHILOX_BUFFER) + Int(CNUMERICS_PHILOX_BUFFER) / 2 + 1
        for k in 0..<count {
            // Alternate the inline reader and GSL's call through the generator type: one sequence.
            let drawn = k % 3 == 0 ? UInt32(gsl_rng_get(stream.gslGenerator)) : cnumerics_philox_next(state)
            let expected = reference.next()
            #expect(drawn == expected, "output \(k) of key \(key)")
            if drawn != expected { return }
        }
    }

    @Test("the block counter wraps modulo 2³² inside one bulk refill, as the scalar generator's does")
    func blockCounterWrapsInsideRefill() throws {
        let key = Self.keys[2]
        let stream = RandomStream(key), reference = ScalarPhiloxReference(key)
        let state = try #require(cnumerics_philox_state_of(stream.gslGenerator))
        state.pointee.counter.0 = 0xffff_fff9
        reference.nextBlock = 0xffff_fff9
        let drawn = (0..<200).map { _ in cnumerics_philox_next(state) }
        let expected = (0..<200).map { _ in reference.next() }
        #expect(drawn == expected)
        // 200 outputs = 50 blocks; the bulk generator has computed whole refills.
        let blocks = UInt32(CNUMERICS_PHILOX_BLOCKS), refills = (50 + blocks - 1) / blocks
        #expect(reference.nextBlock == 0xffff_fff9 &+ 50)
        #expect(state.pointee.counter.0 == 0xffff_fff9 &+ refills * blocks)
    }

    @Test("re-keying in the middle of a buffer starts the new stream at its block 0")
    func rekeyingDiscardsBufferedOutputs() {
        let stream = RandomStream(Self.keys[1])
        for _ in 0..<10 { _ = stream.uniform() }
        let next = Self.keys[3]
        cnumerics_philox_set_stream(stream.gslGenerator, next.seed, next.trajectory, (next.purpose.rawValue << 24) | next.index)
        let reference = ScalarPhiloxReference(next)
        #expect((0..<100).map { _ in UInt32(gsl_rng_get(stream.gslGenerator)) } == (0..<100).map { _ in reference.next() })

        // gsl_rng_set: key = seed, stream id 0, on both generators.
        for _ in 0..<7 { _ = stream.uniform() }
        gsl_rng_set(stream.gslGenerator, 0xfeed_beef)
        gsl_rng_set(reference.generator, 0xfeed_beef)
        #expect((0..<100).map { _ in UInt32(gsl_rng_get(stream.gslGenerator)) } == (0..<100).map { _ in reference.next() })
    }

    static let bounds: [Int] = [1, 2, 3, 5, 7, 10, 100, 1000, 4096, 65_537, 1 << 31, (1 << 31) + 1,
                                Int(UInt32.max) - 1, Int(UInt32.max)]

    @Test("uniform, uniformInt, gaussian, fillGaussian and shuffle equal GSL's samplers on the scalar generator",
          arguments: 0..<20)
    func drawsEqualGSLSamplers(seed: Int) {
        let key = StreamKey(seed: UInt64(seed) &* 0x9e37_79b9_7f4a_7c15, trajectory: UInt64(seed), purpose: .estimatorDraws)
        let stream = RandomStream(key), reference = ScalarPhiloxReference(key)
        var buffer = [Double](repeating: 0, count: 5)
        for step in 0..<1500 {
            let bound = Self.bounds[(step / 5 + seed) % Self.bounds.count]
            switch step % 5 {
            case 0:
                #expect(stream.uniform().bitPattern == gsl_rng_uniform_pos(reference.generator).bitPattern)
            case 1:
                #expect(stream.uniformInt(below: bound) == Int(gsl_rng_uniform_int(reference.generator, UInt(bound))),
                        "bound \(bound) at step \(step)")
            case 2:
                #expect(stream.gaussian().bitPattern == gsl_ran_gaussian_ziggurat(reference.generator, 1).bitPattern)
            case 3:
                stream.fillGaussian(&buffer, scale: 0.3)
                let expected = (0..<5).map { _ in 0.3 * gsl_ran_gaussian_ziggurat(reference.generator, 1) }
                #expect(buffer.map(\.bitPattern) == expected.map(\.bitPattern))
            default:
                let n = 1 + step % 97
                var ours = (0..<Int32(n)).map { $0 }, theirs = ours
                stream.shuffle(&ours)
                theirs.withUnsafeMutableBytes { raw in
                    gsl_ran_shuffle(reference.generator, raw.baseAddress, n, MemoryLayout<Int32>.stride)
                }
                #expect(ours == theirs)
            }
        }
        // Same number of outputs consumed: the next raw outputs agree.
        #expect((0..<8).map { _ in UInt32(gsl_rng_get(stream.gslGenerator)) } == (0..<8).map { _ in reference.next() })
    }
}
