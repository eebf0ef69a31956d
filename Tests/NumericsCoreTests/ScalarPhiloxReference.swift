import CNumerics
import Foundation
import NumericsCore

/// The Philox4x32-10 generator as it was before the bulk refill: a GSL generator type that
/// computes one block (`cnumerics_philox4x32_10`, the scalar reference) whenever its four
/// outputs are used up, and emits them in word order. The bulk generator must emit exactly
/// this sequence, and RandomStream's inline draws must equal GSL's samplers run on it.
///
/// State: 11 words, counter[0..<4] (block, stream id), key[4..<6], buffer[6..<10], used[10].
final class ScalarPhiloxReference {
    let generator: UnsafeMutablePointer<gsl_rng>
    private let type: UnsafeMutablePointer<gsl_rng_type>
    private let name: UnsafeMutablePointer<CChar>

    private static func words(_ state: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<UInt32> {
        state!.assumingMemoryBound(to: UInt32.self)
    }

    private static func next(_ w: UnsafeMutablePointer<UInt32>) -> UInt32 {
        if w[10] >= 4 {
            cnumerics_philox4x32_10(w, w + 4, w + 6)
            w[0] &+= 1
            w[10] = 0
        }
        let x = w[6 + Int(w[10])]
        w[10] += 1
        return x
    }

    /// The stream `key` positions a RandomStream at: key = seed, counter = (0, purpose·2²⁴ + index, trajectory).
    init(_ key: StreamKey) {
        name = strdup("philox4x32-10-scalar-reference")
        type = .allocate(capacity: 1)
        type.initialize(to: gsl_rng_type(
            name: UnsafePointer(name), max: 0xffff_ffff, min: 0, size: 11 * MemoryLayout<UInt32>.stride,
            set: { state, seed in
                let w = ScalarPhiloxReference.words(state)
                for k in 0..<11 { w[k] = 0 }
                w[4] = UInt32(truncatingIfNeeded: seed)
                w[5] = UInt32(truncatingIfNeeded: UInt64(seed) >> 32)
                w[10] = 4
            },
            get: { state in UInt(ScalarPhiloxReference.next(ScalarPhiloxReference.words(state))) },
            get_double: { state in
                (Double(ScalarPhiloxReference.next(ScalarPhiloxReference.words(state))) + 0.5) * 0x1p-32
            }))
        generator = gsl_rng_alloc(type)
        let w = Self.words(generator.pointee.state)
        w[1] = (key.purpose.rawValue << 24) | key.index
        w[2] = UInt32(truncatingIfNeeded: key.trajectory)
        w[3] = UInt32(truncatingIfNeeded: key.trajectory >> 32)
        w[4] = UInt32(truncatingIfNeeded: key.seed)
        w[5] = UInt32(truncatingIfNeeded: key.seed >> 32)
    }

    deinit {
        gsl_rng_free(generator)
        type.deinitialize(count: 1)
        type.deallocate()
        free(name)
    }

    /// Index of the next block to compute (counter word 0).
    var nextBlock: UInt32 {
        get { Self.words(generator.pointee.state)[0] }
        set { Self.words(generator.pointee.state)[0] = newValue }
    }

    func next() -> UInt32 { UInt32(gsl_rng_get(generator)) }
}
