import Estimators
import Foundation
import NumericsCore

/// Nyströmformer's pseudo-inverse iteration Z_{k+1} = ¼ Z_k(13I − AZ_k(15I − AZ_k(7I − AZ_k)))
/// (Xiong et al., AAAI 2021, arXiv 2102.03902, Lemma 1; Razavi et al. 2014) converges with order
/// q = 3: for E_k = I − AZ_k, E_{k+1} = ¼E_k³(3I + E_k), so ‖E_{k+1}‖ = ¼‖E_k‖³(3 + ‖E_k‖) for the
/// symmetric residuals it produces. Checked on clustered tokens (4 clusters of 16 in ℝ⁸, one
/// landmark per cluster): the recursion to 1e-6 at every step whose predicted residual is above
/// round-off (1e-10), and the local order
/// log‖E_{k+1}‖/log‖E_k‖ at the last asymptotic step within 0.3 of q.
public struct NystromformerCubicRateClaim: Claim {
    public var id = "nystromformer-cubic-rate"
    public var statement: String
    public var reference = "Xiong et al., Nyströmformer, AAAI 2021, arXiv 2102.03902, Lemma 1"
    public var configuration = "64 tokens in 4 clusters (spread 0.05) in ℝ⁸, 4 segment-mean landmarks, β = 1, 10 iterations"
    public var order: Double

    public init(order: Double = 3) {
        self.order = order
        statement = "Nyströmformer's pseudo-inverse iteration converges with order \(short(order)): ‖E_{k+1}‖ = ¼‖E_k‖³(3 + ‖E_k‖)"
    }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let n = 64, d = 8
        var x = Matrix(rows: n, columns: d)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: seed, purpose: .configuration).fillGaussian($0, scale: 0.05) }
        for i in 0..<n { x[i, i / 16] += 1 }
        let inputs = AttentionInputs(queries: x, keys: x, values: x, beta: 1, normalization: .softmax)
        let (_, a, _) = NystromformerAttention(landmarks: 4).factors(inputs)
        let (_, residuals, _) = CubicPseudoInverseIteration(iterations: 10).run(a, recordResiduals: true)
        var evidence = ClaimEvidence(columns: ["k", "‖E_k‖", "‖E_{k+1}‖", "recursion ratio", "local order"])
        var passed = true, checked = 0
        // Steps whose predicted next residual is above round-off (1e-10).
        for k in 0..<max(0, residuals.count - 1) where 0.25 * pow(residuals[k], 3) * (3 + residuals[k]) > 1e-10 {
            let e = residuals[k]
            let ratio = residuals[k + 1] / (0.25 * e * e * e * (3 + e))
            passed = passed && abs(ratio - 1) < 1e-6
            checked += 1
            evidence.rows.append(["\(k)", short(e), short(residuals[k + 1]), String(format: "%.9f", ratio), short(log(residuals[k + 1]) / log(e))])
        }
        let last = (0..<max(0, residuals.count - 1)).last { residuals[$0] < 0.1 && residuals[$0 + 1] > 1e-13 }
        let local = last.map { log(residuals[$0 + 1]) / log(residuals[$0]) }
        passed = passed && checked >= 3 && local.map { abs($0 - order) <= 0.3 } == true
        return .structural(self, passed: passed,
                           rule: "recursion ratio within 1e-6 of 1 at \(checked) steps (≥ 3), and the last asymptotic local order \(local.map(short) ?? "—") within 0.3 of \(short(order))",
                           tolerance: "1e-6 on the recursion, 0.3 on the local order", expected: order, evidence: evidence, seed: seed, start: start)
    }
}
