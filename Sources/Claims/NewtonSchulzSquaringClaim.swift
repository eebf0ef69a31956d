import Estimators
import Foundation
import NumericsCore

/// SOFT's Newton–Schulz iteration V_{k+1} = V_k(2I − P V_k) for P⁻¹ squares its residual:
/// E_{k+1} = E_k² for E_k = I − V_k P, so ‖E_{k+1}‖₂ = ‖E_k‖₂^q with q = 2 (P symmetric
/// positive definite, V₀ = P/‖P‖²; Lu et al., arXiv 2110.11945; Ben-Israel & Cohen 1966).
/// Checked on a well-conditioned Gaussian kernel matrix (12 landmarks in ℝ⁴, ridge 0.01): every
/// step with ‖E_k‖ > 1e-4 must have ‖E_{k+1}‖/‖E_k‖^q within 1e-6 of 1.
public struct NewtonSchulzSquaringClaim: Claim {
    public var id = "newton-schulz-residual-squaring"
    public var statement: String
    public var reference = "Lu et al., SOFT, NeurIPS 2021, arXiv 2110.11945; Ben-Israel & Cohen, SIAM J. Numer. Anal. 3 (1966)"
    public var configuration = "P = Gaussian kernel of 12 points ~ N(0, 2.25 I₄) + 0.01 I, 25 iterations"
    public var exponent: Double

    public init(exponent: Double = 2) {
        self.exponent = exponent
        statement = "the Newton–Schulz residual satisfies ‖E_{k+1}‖₂ = ‖E_k‖₂^\(short(exponent))"
    }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        var x = Matrix(rows: 12, columns: 4)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: seed, purpose: .configuration).fillGaussian($0, scale: 1.5) }
        let (_, residuals) = NewtonSchulzInverse(iterations: 25, ridge: 0.01).run(SoftAttention.kernel(x, x, beta: 1), recordResiduals: true)
        var evidence = ClaimEvidence(columns: ["k", "‖E_k‖₂", "‖E_{k+1}‖₂", "‖E_{k+1}‖/‖E_k‖^q"])
        var passed = residuals.first.map { $0 < 1 } ?? false, checked = 0
        for k in 0..<max(0, residuals.count - 1) where residuals[k] > 1e-4 {
            let ratio = residuals[k + 1] / pow(residuals[k], exponent)
            passed = passed && abs(ratio - 1) < 1e-6
            checked += 1
            evidence.rows.append(["\(k)", short(residuals[k]), short(residuals[k + 1]), String(format: "%.9f", ratio)])
        }
        passed = passed && checked >= 3
        return .structural(self, passed: passed, rule: "‖E₀‖ < 1 and |ratio − 1| < 1e-6 at each of the \(checked) steps with ‖E_k‖ > 1e-4 (at least 3)",
                           tolerance: "1e-6 on the ratio", expected: exponent, evidence: evidence, seed: seed, start: start)
    }
}
