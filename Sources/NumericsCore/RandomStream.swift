import CNumerics

/// A reproducible random stream: GSL's samplers driven by the Philox4x32-10
/// counter-based generator, positioned by a ``StreamKey``.
///
/// Philox key = seed (64 bits); counter = (block, purpose·2²⁴ + index, trajectory) with a
/// 32-bit block counter, so each key owns 2³⁴ independent 32-bit outputs. Streams with
/// different keys are independent by construction, whatever thread draws them, which
/// makes results identical for any thread count or split of trajectories.
///
/// Not thread-safe: one stream per task. Reference: Salmon et al., SC'11.
public final class RandomStream {
    public let key: StreamKey
    @usableFromInline let rng: UnsafeMutablePointer<gsl_rng>
    /// The generator's own state (`rng.pointee.state`): the draws below read its output buffer
    /// inline instead of calling through GSL's generator type, and return what the GSL calls
    /// they are named after would return, bit for bit, consuming the same outputs.
    @usableFromInline let philox: UnsafeMutablePointer<cnumerics_philox_state>

    public init(_ key: StreamKey) {
        GSLRuntime.prepare()
        guard let rng = gsl_rng_alloc(cnumerics_rng_philox4x32()) else {
            preconditionFailure("gsl_rng_alloc failed (out of memory)")
        }
        guard let philox = cnumerics_philox_state_of(rng) else {
            preconditionFailure("gsl_rng_alloc did not return a Philox generator")
        }
        self.rng = rng
        self.philox = philox
        self.key = key
        cnumerics_philox_set_stream(rng, key.seed, key.trajectory, (key.purpose.rawValue << 24) | key.index)
    }

    public convenience init(seed: UInt64, trajectory: UInt64 = 0, purpose: StreamPurpose, index: UInt32 = 0) {
        self.init(StreamKey(seed: seed, trajectory: trajectory, purpose: purpose, index: index))
    }

    deinit { gsl_rng_free(rng) }

    /// The underlying GSL generator, for calling other GSL samplers directly.
    public var gslGenerator: UnsafeMutablePointer<gsl_rng> { rng }

    /// Uniform on (0, 1): 2⁻³²(x + ½) for the next 32-bit output x, which is
    /// `gsl_rng_uniform_pos(gslGenerator)` bit for bit (`cnumerics_philox_double`).
    @inlinable public func uniform() -> Double { cnumerics_philox_double(philox) }

    /// The next uniform u, exactly as ``uniform()`` returns and consumes it, with an approximation of
    /// log u computed for a whole buffer of outputs at once (vectorised; within 2 ulp of `log(u)` as
    /// measured, not bit-identical to it). For callers that can tell when the approximation could
    /// change their result and then take `log(u)` themselves (``GeometricSkipper``).
    @inlinable public func uniformWithApproximateLog() -> (uniform: Double, approximateLog: Double) {
        var u = 0.0
        let logU = cnumerics_philox_log_uniform(philox, &u)
        return (u, logU)
    }

    /// Uniform integer in 0..<upperBound: GSL's unbiased rejection method, the value and the
    /// draws of `gsl_rng_uniform_int(gslGenerator, upperBound)` (`cnumerics_philox_uniform_int`).
    @inlinable public func uniformInt(below upperBound: Int) -> Int {
        precondition(upperBound > 0 && upperBound <= Int(UInt32.max), "uniformInt bound \(upperBound) out of range")
        return Int(cnumerics_philox_uniform_int(philox, UInt32(truncatingIfNeeded: upperBound)))
    }

    /// Standard normal variate (GSL's ziggurat, Marsaglia–Tsang).
    @inlinable public func gaussian() -> Double { gsl_ran_gaussian_ziggurat(rng, 1.0) }

    /// Fills `buffer` with independent N(0, scale²) variates.
    @inlinable public func fillGaussian(_ buffer: UnsafeMutableBufferPointer<Double>, scale: Double = 1) {
        for k in buffer.indices { buffer[k] = scale * gsl_ran_gaussian_ziggurat(rng, 1.0) }
    }

    public func fillGaussian(_ array: inout [Double], scale: Double = 1) {
        array.withUnsafeMutableBufferPointer { fillGaussian($0, scale: scale) }
    }

    /// Uniform random permutation of `indices` in place: GSL's Fisher–Yates (the draws and swaps of
    /// gsl_ran_shuffle, so the same permutation bit for bit), with the draws run ahead and their
    /// swap targets prefetched (`cnumerics_shuffle_int32`). O(N).
    public func shuffle(_ indices: inout [Int32]) {
        indices.withUnsafeMutableBufferPointer { buffer in
            cnumerics_shuffle_int32(rng, buffer.baseAddress, buffer.count)
        }
    }

    /// `count` distinct indices drawn uniformly from 0..<population (gsl_ran_choose: in increasing order).
    public func choose(_ count: Int, from population: [Int32], into out: inout [Int32]) {
        precondition(count <= population.count && out.count >= count, "choose \(count) of \(population.count)")
        population.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                _ = gsl_ran_choose(rng, dst.baseAddress, count, UnsafeMutableRawPointer(mutating: src.baseAddress),
                                   population.count, MemoryLayout<Int32>.stride)
            }
        }
    }
}
