import Estimators
import NumericsCore
import Testing

/// Performer's random-feature estimators of SM(x, y) = exp(xᵀy) (arXiv 2009.14794).
@Suite("Performer random features")
struct RandomFeatureTests {
    static let x: [Double] = [0.4, -0.2, 0.1, 0.2]
    static let y: [Double] = [0.1, 0.3, -0.3, 0.2]

    /// Moments of the squared error (φ(x)ᵀφ(y) − SM(x,y))² over `draws` independent feature maps.
    static func squaredErrors(kind: RandomFeatureMap.Kind, sampling: RandomFeatureMap.Sampling, features m: Int,
                              x: [Double], y: [Double], draws: Int, seed: UInt64) -> RunningMoments {
        let exact = RandomFeatureMap.softmaxKernel(x, y)
        let stream = RandomStream(seed: seed, purpose: .estimatorDraws)
        var moments = RunningMoments()
        for _ in 0..<draws {
            let map = RandomFeatureMap(kind: kind, features: m, dimension: x.count, sampling: sampling, stream: stream)
            let e = map.kernelEstimate(x, y) - exact
            moments.add(e * e)
        }
        return moments
    }

    @Test("the exact MSE formulas hold within 4 standard errors at small norms",
          arguments: RandomFeatureMap.Kind.allCases)
    func meanSquaredErrorFormulasHold(kind: RandomFeatureMap.Kind) {
        let m = 8
        let moments = Self.squaredErrors(kind: kind, sampling: .independent, features: m, x: Self.x, y: Self.y,
                                         draws: 40_000, seed: 8_100 + UInt64(RandomFeatureMap.Kind.allCases.firstIndex(of: kind)!))
        let theory = RandomFeatureMap.meanSquaredError(kind, x: Self.x, y: Self.y, features: m)
        let se = moments.standardErrorOfMean
        #expect(abs(moments.mean - theory) <= 4 * se, "\(kind): measured \(moments.mean) ± \(se), theory \(theory)")
        #expect(se < 0.05 * theory, "\(kind): the check must be informative (SE \(se), theory \(theory))")
    }

    @Test("the kernel estimate is unbiased within 4 standard errors", arguments: RandomFeatureMap.Kind.allCases)
    func kernelEstimateIsUnbiased(kind: RandomFeatureMap.Kind) {
        let exact = RandomFeatureMap.softmaxKernel(Self.x, Self.y)
        let stream = RandomStream(seed: 8_200, purpose: .estimatorDraws)
        var moments = RunningMoments()
        for _ in 0..<20_000 {
            moments.add(RandomFeatureMap(kind: kind, features: 4, dimension: 4, sampling: .independent, stream: stream)
                .kernelEstimate(Self.x, Self.y))
        }
        #expect(abs(moments.mean - exact) <= 4 * moments.standardErrorOfMean, "\(kind): \(moments.mean) vs \(exact)")
    }

    @Test("orthogonal positive features have a lower MSE than i.i.d. ones, within the Performer bound")
    func orthogonalFeaturesLowerTheMeanSquaredError() {
        let d = 8, m = 8
        let x = [Double](repeating: 0.5 / Double(d).squareRoot(), count: d)
        let independent = Self.squaredErrors(kind: .positive, sampling: .independent, features: m, x: x, y: x,
                                             draws: 40_000, seed: 8_300)
        let orthogonal = Self.squaredErrors(kind: .positive, sampling: .orthogonal, features: m, x: x, y: x,
                                            draws: 40_000, seed: 8_301)
        let seDifference = (independent.standardErrorOfMean * independent.standardErrorOfMean
                            + orthogonal.standardErrorOfMean * orthogonal.standardErrorOfMean).squareRoot()
        #expect(independent.mean - orthogonal.mean > 4 * seDifference,
                "i.i.d. \(independent.mean) ± \(independent.standardErrorOfMean), orthogonal \(orthogonal.mean) ± \(orthogonal.standardErrorOfMean)")
        let bound = RandomFeatureMap.orthogonalMeanSquaredErrorBound(x: x, y: x, features: m)
        #expect(orthogonal.mean <= bound + 4 * orthogonal.standardErrorOfMean, "orthogonal \(orthogonal.mean), bound \(bound)")
        let theory = RandomFeatureMap.meanSquaredError(.positive, x: x, y: x, features: m)
        #expect(abs(independent.mean - theory) <= 4 * independent.standardErrorOfMean)
    }

    @Test("orthogonal projections are orthogonal within a block and have χ_d lengths on average")
    func orthogonalBlocksAreOrthogonal() {
        let d = 6
        let map = RandomFeatureMap(kind: .positive, features: 10, dimension: d, sampling: .orthogonal,
                                   stream: RandomStream(seed: 8_400, purpose: .estimatorDraws))
        let w = map.projections
        for a in 0..<d {
            for b in 0..<a {
                let dot = (0..<d).reduce(0.0) { $0 + w[a, $1] * w[b, $1] }
                #expect(abs(dot) < 1e-12, "rows \(a), \(b): \(dot)")
            }
        }
        // Mean squared length of N(0, I_d) rows is d.
        let stream = RandomStream(seed: 8_401, purpose: .estimatorDraws)
        var lengths = RunningMoments()
        for _ in 0..<4_000 {
            let p = RandomFeatureMap(kind: .positive, features: d, dimension: d, sampling: .orthogonal, stream: stream).projections
            for r in 0..<d { lengths.add((0..<d).reduce(0.0) { $0 + p[r, $1] * p[r, $1] }) }
        }
        #expect(abs(lengths.mean - Double(d)) <= 4 * lengths.standardErrorOfMean, "\(lengths.mean)")
    }

    @Test("Performer attention on the mean-field form is unbiased within 4 standard errors")
    func performerMeanFieldIsUnbiased() {
        var x = Matrix(rows: 16, columns: 4)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 8_500, purpose: .configuration).fillGaussian($0, scale: 0.3) }
        let inputs = AttentionInputs(queries: x, keys: x, values: x, beta: 1, normalization: .meanField)
        let estimator = PerformerAttention(features: 8, kind: .positive)
        let exact = estimator.exactTarget(inputs)
        let stream = RandomStream(seed: 8_501, purpose: .estimatorDraws)
        var coordinates = [RunningMoments](repeating: RunningMoments(), count: exact.elements.count)
        for _ in 0..<4_000 {
            let o = estimator.estimate(inputs, stream: stream)
            for k in o.elements.indices { coordinates[k].add(o.elements[k]) }
        }
        let z = zip(coordinates, exact.elements).map { abs($0.mean - $1) / $0.standardErrorOfMean }
        // 64 coordinates: max |z| ≤ 4.5 (Bonferroni ≈ 4 SE per coordinate at 64 comparisons).
        #expect(z.max()! < 4.5, "max z = \(z.max()!)")
    }
}
