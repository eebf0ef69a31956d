import Foundation
import Estimators
import NumericsCore
import Studies
import Testing
import TestSupport

/// Random Batch Attention at fixed inputs.
@Suite("Random Batch Attention")
struct RandomBatchAttentionTests {
    @Test("RBA on the mean-field form is unbiased (it is RBM), for p dividing N or not",
          arguments: [4, 5, 7])
    func meanFieldRBAIsUnbiased(batchSize p: Int) throws {
        // N = 25: p = 5 divides N, p = 7 leaves a short batch of 4, p = 4 a leftover that joins the last batch.
        let inputs = try fixedAttentionInputs(tokens: 25, dimension: 3, beta: 1.5, normalization: .meanField)
        let exact = ExactAttention().evaluate(inputs)
        for weighting in RandomBatchAttention.Weighting.allCases {
            let estimator = RandomBatchAttention(batchSize: p, weighting: weighting)
            var moments = [RunningMoments](repeating: RunningMoments(), count: exact.elements.count)
            var out = Matrix(rows: 25, columns: 3)
            let stream = RandomStream(seed: 99, purpose: .estimatorDraws, index: UInt32(p))
            for _ in 0..<20_000 {
                estimator.estimate(inputs, into: &out, stream: stream)
                for e in out.elements.indices { moments[e].add(out.elements[e]) }
            }
            let worst = zip(moments, exact.elements).map { abs($0.mean - $1) / $0.standardErrorOfMean }.max()!
            #expect(worst < 4, "\(estimator.name), p = \(p): largest |z| over 75 entries = \(worst)")
        }
    }

    @Test("plain RBA is biased for softmax attention and its bias falls like 1/p")
    func plainBiasFallsLikeInverseBatchSize() throws {
        let n = 256
        let inputs = try fixedAttentionInputs(tokens: n, dimension: 8, beta: 4, normalization: .softmax)
        let exact = ExactAttention().evaluate(inputs)
        let sizes = [2, 4, 8, 16, 32]
        let points = sizes.map { p in
            AttentionBias.measure(RandomBatchAttention(batchSize: p), inputs: inputs, exact: exact, draws: 400,
                                  seed: 5, streamIndex: UInt32(p), threads: 2)
        }
        for point in points {
            #expect(point.rmsBias.value > 4 * point.rmsBias.standardError, "p = \(point.size!): bias \(point.rmsBias) not resolved")
        }
        let fit = try WeightedLinearFit(x: sizes.map { log(Double($0)) }, y: points.map { log($0.rmsBias.value) },
                                        weights: points.map { pow($0.rmsBias.value / $0.rmsBias.standardError, 2) })
        // Generous band around −1 (the self-weight inflation is ≈ 1/p).
        #expect(fit.slope > -1.5 && fit.slope < -0.6, "log-log slope of plain RBA bias vs p: \(fit.slope)")
    }

    @Test("weight-corrected RBA has a smaller bias than plain RBA on softmax attention")
    func correctionReducesBias() throws {
        let inputs = try fixedAttentionInputs(tokens: 128, dimension: 8, beta: 4, normalization: .softmax)
        let exact = ExactAttention().evaluate(inputs)
        for p in [4, 16] {
            let plain = AttentionBias.measure(RandomBatchAttention(batchSize: p), inputs: inputs, exact: exact,
                                              draws: 400, seed: 6, streamIndex: UInt32(p), threads: 2)
            let corrected = AttentionBias.measure(RandomBatchAttention(batchSize: p, weighting: .corrected), inputs: inputs,
                                                  exact: exact, draws: 400, seed: 6, streamIndex: UInt32(p), threads: 2)
            let gap = plain.rmsBias.value - corrected.rmsBias.value
            let se = (pow(plain.rmsBias.standardError, 2) + pow(corrected.rmsBias.standardError, 2)).squareRoot()
            #expect(gap > 4 * se, "p = \(p): plain \(plain.rmsBias), corrected \(corrected.rmsBias)")
        }
    }

    @Test("bias measurement is bit-identical for any thread count")
    func biasThreadIndependence() throws {
        let inputs = try fixedAttentionInputs(tokens: 40, dimension: 3, beta: 1, normalization: .softmax)
        let exact = ExactAttention().evaluate(inputs)
        let one = AttentionBias.measure(RandomBatchAttention(batchSize: 4), inputs: inputs, exact: exact, draws: 100, seed: 1, threads: 1)
        let two = AttentionBias.measure(RandomBatchAttention(batchSize: 4), inputs: inputs, exact: exact, draws: 100, seed: 1, threads: 2)
        #expect(one.squaredBias == two.squaredBias)
    }
}
