import Estimators
import Foundation
import NumericsCore

/// Paramixer's sparse factor chains (Yu et al., CVPR 2022, arXiv 2204.10670): with M = log₂N
/// factors on the CHORD or CDIL pattern the product is full (every token reaches every token:
/// full mixing), one factor fewer does not on CHORD, and with random MLP weights the product has
/// numerical rank N where the low-rank QKᵀ has rank ≤ d. Checked for N = 2…128 (mixing) and
/// N = 64, d = 4 (rank, by the SVD).
public struct ParamixerMixingClaim: Claim {
    public var id = "paramixer-full-mixing-and-rank"
    public var statement = "log₂N Paramixer factors mix fully (log₂N − 1 do not, CHORD) and their product has full rank N"
    public var reference = "Yu et al., Paramixer: Parameterizing Mixing Links in Sparse Factors, CVPR 2022, arXiv 2204.10670"
    public var configuration = "patterns CHORD and CDIL; mixing for N = 2, 4, …, 128; rank for N = 64 tokens ~ N(0, I₄)"
    public init() {}

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        var evidence = ClaimEvidence(columns: ["pattern", "full mixing with log₂N (N ≤ 128)", "log₂N − 1 mixes (CHORD, N = 8, 16, 64)", "rank of product (N = 64)", "rank of QKᵀ (d = 4)"])
        var passed = true
        let n = 64, d = 4
        var x = Matrix(rows: n, columns: d)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: seed, purpose: .configuration).fillGaussian($0) }
        let lowRank = try SingularValueDecomposition.numericalRank(BLAS.product(x, x, transposeB: true))
        for pattern in ParamixerPattern.allCases {
            let full = [2, 4, 8, 16, 32, 64, 128].allSatisfy { pattern.reachability(tokens: $0, factors: ParamixerPattern.factorCount(tokens: $0)).allSatisfy { $0 } }
            let fewer = pattern == .chord
                ? [8, 16, 64].contains { pattern.reachability(tokens: $0, factors: ParamixerPattern.factorCount(tokens: $0) - 1).allSatisfy { $0 } }
                : false
            let chain = ParamixerFactors.randomMLP(pattern: pattern, tokens: x, factors: ParamixerPattern.factorCount(tokens: n),
                                                   stream: RandomStream(seed: seed, purpose: .modelParameters))
            let rank = try SingularValueDecomposition.numericalRank(chain.denseProduct())
            passed = passed && full && !fewer && rank == n && lowRank <= d
            evidence.rows.append([pattern.rawValue, full ? "yes" : "no", pattern == .chord ? (fewer ? "yes" : "no") : "—", "\(rank)", "\(lowRank)"])
        }
        return .structural(self, passed: passed, rule: "full mixing with log₂N factors, none with one fewer (CHORD), rank N of the product and ≤ d of QKᵀ",
                           tolerance: "the numerical rank (singular values above max(m, n)·ε·σ₁)", evidence: evidence, seed: seed, start: start)
    }
}
