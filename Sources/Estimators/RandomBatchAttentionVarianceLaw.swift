import NumericsCore

extension RandomBatchAttention: AttentionVarianceLaw {
    /// On the mean-field form RBA is RBM on fᵢⱼ = e^{sᵢⱼ}vⱼ with the self term kept:
    /// ôᵢ = fᵢᵢ/N + ((N−1)/N)·(batch mean of fᵢⱼ), so E‖ôᵢ − oᵢ‖² = ((N−1)/N)²·g·Λᵢ(f)
    ///. Softmax RBA is a ratio: nil.
    public func theoreticalMeanSquaredError(_ inputs: AttentionInputs) -> [Double]? {
        guard inputs.normalization == .meanField, inputs.tokens >= 3 else { return nil }
        let n = Double(inputs.tokens)
        let g = BatchPartition(particles: inputs.tokens, batchSize: batchSize).varianceFactor
        let factor = (n - 1) / n * (n - 1) / n * g
        return meanFieldTermMoments(inputs).spread.map { factor * $0 }
    }
}
