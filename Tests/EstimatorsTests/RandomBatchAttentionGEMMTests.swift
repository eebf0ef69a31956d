import Foundation
import Estimators
import NumericsCore
import Testing
import TestSupport

/// Random Batch Attention evaluated through grouped GEMMs against the textbook per-row loop over
/// the same permutation (the evaluation RBA had before the GEMMs).
@Suite("Random Batch Attention through GEMM")
struct RandomBatchAttentionGEMMTests {
    /// Per token i in batch C (same permutation as the estimator draws): sequential dot products,
    /// libm's exp, ωⱼ = (j = i ? 1 : w)·e^{sⱼ − m}, ô = scale·Σ ωⱼ vⱼ; also A = scale·Σ ωⱼ‖vⱼ‖ (the
    /// size of the terms) and the score bound β·‖qᵢ‖·maxⱼ‖kⱼ‖.
    private func perRowLoop(_ inputs: AttentionInputs, _ estimator: RandomBatchAttention, stream: RandomStream)
        -> (out: Matrix, magnitude: [Double], scoreBound: [Double]) {
        let n = inputs.tokens, dk = inputs.keyDimension, dv = inputs.valueDimension
        var permutation = (0..<Int32(n)).map { $0 }
        stream.shuffle(&permutation)
        let reweighted = estimator.weighting == .corrected || inputs.normalization == .meanField
        var out = Matrix(rows: n, columns: dv)
        var magnitude = [Double](repeating: 0, count: n), scoreBound = magnitude
        let norm = { (m: Matrix, i: Int) in (0..<m.columns).reduce(0.0) { $0 + m[i, $1] * m[i, $1] }.squareRoot() }
        let largestKey = (0..<n).map { norm(inputs.keys, $0) }.max()!
        permutation.withUnsafeBufferPointer { perm in
            BatchPartition(particles: n, batchSize: estimator.batchSize).forEachBatch(of: perm) { members in
                let w = reweighted ? Double(n - 1) / Double(members.count - 1) : 1
                for i in members.map({ Int($0) }) {
                    let scores = members.map { j in
                        inputs.beta * (0..<dk).reduce(0.0) { $0 + inputs.queries[i, $1] * inputs.keys[Int(j), $1] }
                    }
                    let shift = scores.max()!
                    var total = 0.0, size = 0.0, row = [Double](repeating: 0, count: dv)
                    for (s, j) in zip(scores, members.map { Int($0) }) {
                        let omega = exp(s - shift) * (j == i ? 1 : w)
                        total += omega
                        size += omega * norm(inputs.values, j)
                        for c in 0..<dv { row[c] += omega * inputs.values[j, c] }
                    }
                    let scale = inputs.normalization == .meanField ? exp(shift) / Double(n) : 1 / total
                    for c in 0..<dv { out[i, c] = row[c] * scale }
                    magnitude[i] = size * scale
                    scoreBound[i] = inputs.beta * norm(inputs.queries, i) * largestKey
                }
            }
        }
        return (out, magnitude, scoreBound)
    }

    @Test("grouped-GEMM RBA equals the per-row loop within 4ε·(d_k·β·‖q‖·max‖k‖ + p + 4) of the terms' size",
          arguments: AttentionNormalization.allCases)
    func gemmEvaluationMatchesPerRowLoop(normalization: AttentionNormalization) throws {
        // N = 203: p = 7 divides it; p = 2 leaves a leftover that joins the last batch; the others a short batch.
        let n = 203, d = 12
        let inputs = try fixedAttentionInputs(tokens: n, dimension: d, beta: 3, normalization: normalization)
        for p in [2, 3, 7, 16, 33, 40, 97] {
            for weighting in RandomBatchAttention.Weighting.allCases {
                let estimator = RandomBatchAttention(batchSize: p, weighting: weighting)
                var out = Matrix(rows: n, columns: d)
                estimator.estimate(inputs, into: &out, stream: RandomStream(seed: 17, purpose: .estimatorDraws, index: UInt32(p)))
                let loop = perRowLoop(inputs, estimator, stream: RandomStream(seed: 17, purpose: .estimatorDraws, index: UInt32(p)))
                var worst = 0.0, nonzero = false
                for i in 0..<n {
                    let difference = (0..<d).reduce(0.0) { $0 + pow(out[i, $1] - loop.out[i, $1], 2) }.squareRoot()
                    let bound = 4 * Double.ulpOfOne * (Double(d) * loop.scoreBound[i] + Double(p) + 4) * loop.magnitude[i]
                    worst = max(worst, difference / bound)
                    nonzero = nonzero || difference > 0
                }
                #expect(worst <= 1, "p = \(p), \(weighting): largest difference / bound = \(worst)")
                #expect(nonzero, "p = \(p): identical bits would mean the test compares the loop with itself")
            }
        }
    }

    @Test("batches above 255 tokens run in blocks of query rows and still equal the per-row loop within the same bound (p = 300: 2 blocks, p = N = 600: 6 blocks)")
    func largeBatchesInScoreBlocksMatchPerRowLoop() throws {
        let n = 600, d = 8
        #expect(RandomBatchAttention.scoreBlockRows(largestBatch: 301) == 217)
        #expect(RandomBatchAttention.scoreBlockRows(largestBatch: 601) == 109)
        for normalization in AttentionNormalization.allCases {
            let inputs = try fixedAttentionInputs(tokens: n, dimension: d, beta: 3, normalization: normalization)
            for p in [300, 600] {
                let estimator = RandomBatchAttention(batchSize: p, weighting: .corrected)
                var out = Matrix(rows: n, columns: d)
                estimator.estimate(inputs, into: &out, stream: RandomStream(seed: 23, purpose: .estimatorDraws, index: UInt32(p)))
                let loop = perRowLoop(inputs, estimator, stream: RandomStream(seed: 23, purpose: .estimatorDraws, index: UInt32(p)))
                var worst = 0.0
                for i in 0..<n {
                    let difference = (0..<d).reduce(0.0) { $0 + pow(out[i, $1] - loop.out[i, $1], 2) }.squareRoot()
                    let bound = 4 * Double.ulpOfOne * (Double(d) * loop.scoreBound[i] + Double(p) + 4) * loop.magnitude[i]
                    worst = max(worst, difference / bound)
                }
                #expect(worst <= 1, "p = \(p), \(normalization): largest difference / bound = \(worst)")
            }
        }
    }
}
