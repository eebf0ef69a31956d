import NumericsCore
import Testing

@Suite("Running moments")
struct RunningMomentsTests {
    private func close(_ a: Double, _ b: Double, relative: Double = 1e-11) -> Bool {
        abs(a - b) <= relative * max(1, abs(a), abs(b))
    }

    @Test("merging partial accumulators equals one pass")
    func mergeEqualsOnePass() {
        let stream = RandomStream(seed: 11, purpose: .configuration)
        // Skewed, shifted data so that all four moments and the merge's cross terms matter.
        let data: [Double] = (0..<10_000).map { _ in let g = stream.gaussian(); return 3 + g * g + 0.5 * g }
        let whole = RunningMoments(data)
        var merged = RunningMoments()
        var start = 0
        for length in [1, 2, 997, 3000, 5, 4995, 1000] {  // uneven chunks, sum = 10 000
            merged.merge(RunningMoments(data[start..<(start + length)]))
            start += length
        }
        #expect(start == data.count)
        #expect(merged.count == whole.count)
        #expect(close(merged.mean, whole.mean))
        #expect(close(merged.variance, whole.variance))
        #expect(close(merged.fourthCentralMoment, whole.fourthCentralMoment))
        #expect(close(merged.excessKurtosis, whole.excessKurtosis))
        #expect(close(merged.standardErrorOfVariance, whole.standardErrorOfVariance))

        var empty = RunningMoments()
        empty.merge(whole)
        #expect(empty == whole)
        var unchanged = whole
        unchanged.merge(RunningMoments())
        #expect(unchanged == whole)
    }

    @Test("variance and kurtosis of 1…n match the discrete uniform closed forms")
    func discreteUniformClosedForms() {
        for n in [2, 3, 10, 1001] {
            let moments = RunningMoments((1...n).map(Double.init))
            let nn = Double(n)
            #expect(close(moments.mean, (nn + 1) / 2))
            // Sample variance Σ(k − (n+1)/2)²/(n−1) = n(n+1)/12.
            #expect(close(moments.variance, nn * (nn + 1) / 12))
            // Population excess kurtosis of the discrete uniform law: −6(n²+1)/(5(n²−1)).
            #expect(close(moments.excessKurtosis, -6 * (nn * nn + 1) / (5 * (nn * nn - 1))))
        }
    }

    @Test("a symmetric two-point sample has variance n/(n−1) and excess kurtosis −2")
    func twoPointClosedForms() {
        let n = 1000
        let moments = RunningMoments((0..<n).map { $0.isMultiple(of: 2) ? 1.0 : -1.0 })
        #expect(close(moments.mean, 0, relative: 1e-14))
        #expect(close(moments.variance, Double(n) / Double(n - 1)))
        #expect(close(moments.excessKurtosis, -2))
        #expect(close(moments.fourthCentralMoment, 1))
    }

    @Test("standard error of the variance matches the spread of sample variances")
    func standardErrorOfVarianceSanity() {
        // Gaussian: Var s² ≈ 2σ⁴/(n−1). Check the plug-in SE against the closed form and
        // against the empirical spread of s² over independent batches.
        let stream = RandomStream(seed: 12, purpose: .configuration)
        let batchSize = 400, batches = 500
        var varianceOfBatches = RunningMoments()
        var meanStandardError = RunningMoments()
        for _ in 0..<batches {
            var batch = RunningMoments()
            for _ in 0..<batchSize { batch.add(2 * stream.gaussian()) }   // σ² = 4
            varianceOfBatches.add(batch.variance)
            meanStandardError.add(batch.standardErrorOfVariance)
        }
        let theory = 4 * (2.0 / Double(batchSize - 1)).squareRoot()  // σ²·√(2/(n−1)), σ² = 4
        #expect(abs(varianceOfBatches.mean - 4) < 4 * varianceOfBatches.standardErrorOfMean)
        // The spread of s² over 500 batches is known to ≈ 1/√(2·499) ≈ 3%: allow 15%.
        #expect(abs(varianceOfBatches.standardDeviation / theory - 1) < 0.15,
                "empirical SD of s² \(varianceOfBatches.standardDeviation), theory \(theory)")
        #expect(abs(meanStandardError.mean / theory - 1) < 0.05,
                "mean plug-in SE \(meanStandardError.mean), theory \(theory)")
        let estimate = varianceOfBatches.varianceEstimate
        #expect(estimate.count == batches && estimate.standardError > 0)
        #expect(RunningMoments([1, 2, 3]).standardErrorOfVariance.isNaN)  // needs n > 3
    }
}
