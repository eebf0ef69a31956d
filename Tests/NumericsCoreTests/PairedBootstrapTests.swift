import Testing
import NumericsCore

@Suite("PairedBootstrap")
struct PairedBootstrapTests {
    @Test("bootstrap resamples are deterministic given the stream and lie in range")
    func deterministic() {
        let a = PairedBootstrap(replicates: 20, stream: RandomStream(seed: 11, purpose: .bootstrap)).resamples(count: 37)
        let b = PairedBootstrap(replicates: 20, stream: RandomStream(seed: 11, purpose: .bootstrap)).resamples(count: 37)
        #expect(a == b)
        #expect(a.count == 20 && a.allSatisfy { $0.count == 37 && $0.allSatisfy { (0..<37).contains($0) } })
        // With replacement: some index repeats in almost every resample of 37 (P(no repeat) ≈ 1e-15).
        #expect(a.allSatisfy { Set($0).count < 37 })
    }

    @Test("percentile interval matches type-7 quantiles and ignores non-finite values")
    func percentile() throws {
        let values = (0...100).map(Double.init)
        let interval = try #require(PairedBootstrap.percentileInterval(of: values + [.nan, .infinity], level: 0.95))
        #expect(abs(interval.lower - 2.5) < 1e-12 && abs(interval.upper - 97.5) < 1e-12)
        #expect(PairedBootstrap.percentileInterval(of: [1, 2, .nan, .nan, .nan]) == nil)
    }

    @Test("bootstrap interval of a mean has the width of the normal interval")
    func meanInterval() throws {
        let stream = RandomStream(seed: 5, purpose: .bootstrap, index: 1)
        var data = [Double](repeating: 0, count: 400)
        stream.fillGaussian(&data)
        let bootstrap = PairedBootstrap(replicates: 2000, stream: RandomStream(seed: 5, purpose: .bootstrap, index: 2))
        let means = bootstrap.replicateStatistics(count: data.count) { idx in idx.reduce(0) { $0 + data[$1] } / Double(idx.count) }
        let interval = try #require(PairedBootstrap.percentileInterval(of: means))
        let moments = RunningMoments(data)
        let normalWidth = 2 * 1.96 * moments.standardErrorOfMean
        // The width of a 2000-replicate percentile interval fluctuates by a few percent.
        #expect(abs((interval.upper - interval.lower) / normalWidth - 1) < 0.15)
        #expect(interval.lower < moments.mean && moments.mean < interval.upper)
    }
}
