import NumericsCore

/// An interaction-sum estimator whose mean squared error at a fixed configuration has a closed
/// form. For an unbiased estimator this is its variance E‖ŷᵢ − yᵢ‖² = tr Cov ŷᵢ.
public protocol InteractionSumVarianceLaw: InteractionSumEstimator {
    /// E‖ŷᵢ − yᵢ‖² for every particle i, from the configuration's term moments.
    func theoreticalMeanSquaredError(_ moments: InteractionTermMoments) -> [Double]
}

extension RandomBatchInteractionSum: InteractionSumVarianceLaw {
    /// The consistency lemma: (E[1/(s−1)] − 1/(N−1))·Λᵢ.
    public func theoreticalMeanSquaredError(_ moments: InteractionTermMoments) -> [Double] {
        let g = varianceFactor(particles: moments.particles)
        return moments.spread.map { g * $0 }
    }
}
