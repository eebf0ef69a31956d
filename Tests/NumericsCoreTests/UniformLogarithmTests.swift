import CNumerics
import Foundation
import NumericsCore
import Testing

/// The vectorised logarithm of the generator's uniforms (`cnumerics_log_uniforms`) against the C
/// library's `log`: GeometricSkipper relies on it erring by at most 2⁶ ulp; it is documented, and
/// checked here, to err by at most 2 ulp.
@Suite("Logarithm of uniforms")
struct UniformLogarithmTests {
    /// |ℓ − log u| in units of the last place of log u.
    private func ulpErrors(_ outputs: [UInt32]) -> [Double] {
        var logs = [Double](repeating: .nan, count: outputs.count)
        outputs.withUnsafeBufferPointer { x in
            logs.withUnsafeMutableBufferPointer { cnumerics_log_uniforms(x.baseAddress!, $0.baseAddress!, outputs.count) }
        }
        return zip(outputs, logs).map { x, approximate in
            let exact = log((Double(x) + 0.5) * 0x1p-32)
            return abs(approximate - exact) / exact.ulp
        }
    }

    @Test("within 2 ulp of log over 2²⁰ random outputs and the extremes (u = 2⁻³³, u → 1, m around √2 and 1)")
    func vectorLogarithmIsWithinTwoUlp() {
        var outputs: [UInt32] = [0, 1, 2, 3, UInt32.max, UInt32.max - 1, 1 << 31, (1 << 31) - 1, (1 << 31) + 1]
        for k in 0..<32 {  // the first mantissa past √2 and the powers of two, at every exponent
            let power = UInt32(1) << UInt32(k)
            outputs += [power, power &- 1, UInt32(Double(power) * 2.0.squareRoot()), UInt32(Double(power) * 2.0.squareRoot()) &+ 1]
        }
        let stream = RandomStream(seed: 17, purpose: .estimatorDraws)
        for _ in 0..<(1 << 20) { outputs.append(UInt32(stream.uniformInt(below: Int(UInt32.max)))) }
        let errors = ulpErrors(outputs)
        let worst = errors.max() ?? .nan
        #expect(worst <= 2, "largest error \(worst) ulp")
        // Vector lanes and the scalar tail compute alike: 7 outputs leave a tail of 7.
        #expect(ulpErrors(Array(outputs.prefix(7))) == Array(errors.prefix(7)))
    }

    @Test("the stream's uniform with its approximate logarithm consumes the outputs uniform() does")
    func uniformWithApproximateLogConsumesLikeUniform() {
        let key = StreamKey(seed: 5, trajectory: 2, purpose: .estimatorDraws)
        let stream = RandomStream(key), twin = RandomStream(key)
        for k in 0..<1000 {
            // mix both calls on one stream: the logs must follow whatever uniform() consumed
            let expected = twin.uniform()
            let drawn = k % 3 == 0 ? stream.uniform() : stream.uniformWithApproximateLog().uniform
            #expect(drawn == expected, "draw \(k)")
            if drawn != expected { return }
        }
        let (u, approximateLog) = stream.uniformWithApproximateLog()
        #expect(abs(approximateLog - log(u)) <= 2 * log(u).ulp)
    }
}
