import Estimators
import Foundation
import NumericsCore
import Testing
import TestSupport

/// Nyströmformer's landmarks and cubic pseudo-inverse iteration (arXiv 2102.03902).
@Suite("Nyströmformer")
struct NystromformerTests {
    /// 4 clusters of 16 tokens in ℝ⁸, centred on e₁…e₄ with spread 0.05, sorted by cluster so that
    /// the 4 contiguous segments are the clusters; β = 1 (so that A = softmax(βQ̃K̃ᵀ) has condition
    /// number ≈ 3 and the iteration needs several steps before round-off).
    static func clusteredInputs() -> AttentionInputs {
        let n = 64, d = 8
        var x = Matrix(rows: n, columns: d)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 4_242, purpose: .configuration).fillGaussian($0, scale: 0.05) }
        for i in 0..<n { x[i, i / 16] += 1 }
        return AttentionInputs(queries: x, keys: x, values: x, beta: 1, normalization: .softmax)
    }

    @Test("the pseudo-inverse iteration decays with order 3 on clustered input: ‖E_{k+1}‖ = ¼‖E_k‖³(3 + ‖E_k‖)")
    func iterationConvergesWithOrderThree() {
        let (_, a, _) = NystromformerAttention(landmarks: 4).factors(Self.clusteredInputs())
        let (_, residuals, penrose) = CubicPseudoInverseIteration(iterations: 10).run(a, recordResiduals: true)
        var checked = 0
        for k in 0..<(residuals.count - 1) where residuals[k] > 1e-4 {
            let e = residuals[k]
            let ratio = residuals[k + 1] / (0.25 * e * e * e * (3 + e))
            #expect(abs(ratio - 1) < 1e-6, "step \(k): ratio \(ratio), residuals \(residuals)")
            checked += 1
        }
        #expect(checked >= 3, "residuals \(residuals)")
        // Local order log e_{k+1} / log e_k at the last informative step is close to 3.
        if let k = (0..<(residuals.count - 1)).last(where: { residuals[$0] < 0.1 && residuals[$0 + 1] > 1e-13 }) {
            let order = log(residuals[k + 1]) / log(residuals[k])
            #expect(order > 2.8 && order < 3.4, "local order \(order) at step \(k): \(residuals)")
        } else {
            Issue.record("no step in the asymptotic range: \(residuals)")
        }
        #expect(penrose.last! < 1e-10)
    }

    @Test("Nyströmformer's error on clustered input is small with one landmark per cluster")
    func clusteredInputIsWellApproximated() {
        let inputs = Self.clusteredInputs()
        let estimator = NystromformerAttention(landmarks: 4, pseudoInverse: CubicPseudoInverseIteration(iterations: 10))
        let output = estimator.estimate(inputs, stream: RandomStream(seed: 0, purpose: .estimatorDraws))
        let target = estimator.exactTarget(inputs)
        let relative = frobenius(output, minus: target) / frobenius(target, minus: nil)
        #expect(relative < 0.05, "relative error \(relative)")
    }

    @Test("Nyströmformer is exact when every query and key is a landmark and A is well conditioned")
    func exactWhenLandmarksAreTokens() {
        // 8 tokens near orthonormal directions: A = softmax(4·XXᵀ) is well conditioned.
        var x = Matrix(rows: 8, columns: 8)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 4_243, purpose: .configuration).fillGaussian($0, scale: 0.05) }
        for i in 0..<8 { x[i, i] += 1 }
        let inputs = AttentionInputs(queries: x, keys: x, values: x, beta: 4, normalization: .softmax)
        let estimator = NystromformerAttention(landmarks: 8, pseudoInverse: CubicPseudoInverseIteration(iterations: 20))
        let output = estimator.estimate(inputs, stream: RandomStream(seed: 0, purpose: .estimatorDraws))
        let relative = frobenius(output, minus: estimator.exactTarget(inputs)) / frobenius(estimator.exactTarget(inputs), minus: nil)
        #expect(relative < 1e-10, "relative error \(relative)")
    }
}
