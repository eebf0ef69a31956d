import Foundation
import Estimators
import NumericsCore
import Testing
import TestSupport

/// Random Batch Attention evaluated through the fused batch kernel (batch sizes 8…256) and through
/// per-batch GEMMs (the others) against the textbook per-row loop over the same permutation (the
/// evaluation RBA had before both).
@Suite("Random Batch Attention through the batch kernel and GEMM")
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

    @Test("RBA (batch kernel for 8 ≤ s ≤ 256, GEMMs otherwise) equals the per-row loop within 4ε·(d_k·β·‖q‖·max‖k‖ + p + 4) of the terms' size",
          arguments: AttentionNormalization.allCases, [3, 12, 20])
    func batchedEvaluationMatchesPerRowLoop(normalization: AttentionNormalization, d: Int) throws {
        // N = 203: p = 7 divides it (GEMMs); p = 2 and p = 101 leave a leftover that joins the last
        // batch (p = 101: a kernel run of one batch of 101, then one of 102); p = 8 a short batch of 3
        // (kernel, then GEMMs); the others a short batch. d = 3, 12, 20: value columns in a partial
        // vector, one full vector and a partial one, a pair of vectors and a partial one.
        let n = 203
        let inputs = try fixedAttentionInputs(tokens: n, dimension: d, beta: 3, normalization: normalization)
        #expect(!RandomBatchAttention.kernelBatchSizes.contains(7) && RandomBatchAttention.kernelBatchSizes.contains(8))
        for p in [2, 3, 7, 8, 16, 33, 40, 97, 101] {
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
