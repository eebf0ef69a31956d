import CNumerics
import Foundation
import NumericsCore
import Testing

/// `cnumerics_multiply_by_sincos` (trigonometric random features) must give the products of the
/// separate `sin` and `cos` calls bit for bit: glibc's sincos shares their argument reduction and
/// kernels. Checked on 2¹⁶ uniform angles per range, from the kernels' small-argument branches to
/// the large-argument reduction, and on the special values.
@Suite("sin and cos from one sincos call")
struct SineCosinePairTests {
    private func products(_ angles: [Double]) -> (sine: [Double], cosine: [Double]) {
        var sine = [Double](repeating: 1.5, count: angles.count), cosine = sine
        angles.withUnsafeBufferPointer { a in
            sine.withUnsafeMutableBufferPointer { s in
                cosine.withUnsafeMutableBufferPointer { c in
                    cnumerics_multiply_by_sincos(a.baseAddress!, a.count, s.baseAddress!, c.baseAddress!)
                }
            }
        }
        return (sine, cosine)
    }

    @Test("products equal 1.5·sin x and 1.5·cos x bit for bit", arguments: [1e-8, 0.8, 3.0, 100.0, 1e6, 1e22, 1e300])
    func matchesSeparateCalls(range: Double) {
        let stream = RandomStream(seed: 41, purpose: .configuration)
        var angles = (0..<(1 << 16)).map { _ in (2 * stream.uniform() - 1) * range }
        angles += [0, -0.0, .pi, -.pi / 2, .leastNonzeroMagnitude, -.leastNormalMagnitude, .greatestFiniteMagnitude,
                   .infinity, -.infinity, .nan]
        let (sine, cosine) = products(angles)
        var mismatches = 0
        for (k, x) in angles.enumerated() {
            let s = 1.5 * sin(x), c = 1.5 * cos(x)
            if sine[k].bitPattern != s.bitPattern && !(sine[k].isNaN && s.isNaN) { mismatches += 1 }
            if cosine[k].bitPattern != c.bitPattern && !(cosine[k].isNaN && c.isNaN) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
