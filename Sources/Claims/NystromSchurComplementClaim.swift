import Estimators
import Foundation
import NumericsCore

/// SOFT's Nyström approximation of the Gaussian kernel (Lu et al., NeurIPS 2021,
/// arXiv 2110.11945): with the exact pseudo-inverse, S − Ŝ = S − S_{:,L} S_{L,L}⁺ S_{L,:} is the
/// Schur complement of a positive semidefinite kernel matrix, hence S − Ŝ ⪰ 0; and Ŝ is not
/// trivially S (λ_max(S − Ŝ) > 0 with fewer landmarks than tokens). Checked on 64 Gaussian
/// tokens in ℝ⁴ for four landmark selections by the smallest eigenvalue (LAPACK dsyevr).
public struct NystromSchurComplementClaim: Claim {
    public var id = "nystrom-schur-complement-psd"
    public var statement = "S − Ŝ ⪰ 0 for SOFT's Nyström kernel approximation with the exact pseudo-inverse"
    public var reference = "Lu et al., SOFT: Softmax-free Transformer with Linear Complexity, NeurIPS 2021, arXiv 2110.11945"
    public var configuration = "64 tokens ~ N(0, 0.36 I₄), β = 1; landmarks: segment means 8 and 24, strided 8, uniform subset 12"
    public init() {}

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let tokens = 64, dimension = 4
        var x = Matrix(rows: tokens, columns: dimension)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: seed, purpose: .configuration).fillGaussian($0, scale: 0.6) }
        let inputs = AttentionInputs(queries: x, keys: x, values: x, beta: 1, normalization: .softmax)
        let s = SoftAttention.kernel(x, x, beta: 1)
        var evidence = ClaimEvidence(columns: ["landmarks", "λ_min(S − Ŝ)", "λ_max(S − Ŝ)"])
        var passed = true
        for (selection, m) in [(LandmarkSelection.segmentMeans, 8), (.strided, 8), (.uniformSubset, 12), (.segmentMeans, 24)] {
            let soft = SoftAttention(landmarks: m, selection: selection, inverse: .pseudoInverse(relativeCutoff: nil))
            let sHat = soft.approximateKernel(inputs, stream: RandomStream(seed: seed, purpose: .estimatorDraws))
            var difference = s
            for e in difference.elements.indices { difference.elements[e] -= sHat.elements[e] }
            for i in 0..<tokens { for j in 0..<i { difference[i, j] = difference[j, i] } }
            let eigen = try SymmetricEigen(difference, computeVectors: false)
            let smallest = eigen.values.first ?? .nan, largest = eigen.values.last ?? .nan
            passed = passed && smallest >= -1e-9 && largest > 1e-6
            evidence.rows.append(["\(selection.rawValue) \(m)", short(smallest), short(largest)])
        }
        return .structural(self, passed: passed, rule: "every λ_min ≥ −1e-9 and λ_max > 1e-6", tolerance: "1e-9 on λ_min",
                           evidence: evidence, seed: seed, start: start)
    }
}
