import Foundation
import Testing
import NumericsCore

/// ``MeanSquareShapeFit`` on synthetic mean squares whose expectation is exactly
/// A·g(p)·τ + B·τ² (skewed, correlated across levels like per-trajectory squared errors).
@Suite("Mean-square shape fit")
struct MeanSquareShapeFitTests {
    static let steps = [0.125, 0.0625, 0.03125, 0.015625]
    static let factors = [1.0, 1.0 / 3, 1.0 / 7]

    /// M trajectories; level ℓ's sample is μ_ℓ·(½u + ½v_ℓ) with u, v_ℓ ~ Exp(1), so E = μ_ℓ.
    static func samples(seed: UInt64, trajectories m: Int, mean: (Double, Double) -> Double) -> (Matrix, [[Double]]) {
        let stream = RandomStream(seed: seed, purpose: .bootstrap)
        var design = Matrix(rows: factors.count * steps.count, columns: 2)
        var mu: [Double] = []
        for (b, g) in factors.enumerated() {
            for (k, tau) in steps.enumerated() {
                design[b * steps.count + k, 0] = g * tau
                design[b * steps.count + k, 1] = tau * tau
                mu.append(mean(g, tau))
            }
        }
        let rows = (0..<m).map { _ -> [Double] in
            let u = -log(stream.uniform())
            return mu.map { $0 * (0.5 * u + 0.5 * -log(stream.uniform())) }
        }
        return (design, rows)
    }

    @Test("intervals cover the true coefficients and the lack-of-fit test keeps its size when the shape holds")
    func coverageAndSizeUnderTheModel() throws {
        let seeds = 200, a = 0.02, b = 0.3
        var coveredA = 0, coveredB = 0, rejected = 0
        for seed in 0..<seeds {
            let (design, rows) = Self.samples(seed: UInt64(seed), trajectories: 100) { g, tau in a * g * tau + b * tau * tau }
            let fit = try MeanSquareShapeFit(design: design, samples: rows)
            if fit.ci95[0][0] <= a && a <= fit.ci95[0][1] { coveredA += 1 }
            if fit.ci95[1][0] <= b && b <= fit.ci95[1][1] { coveredB += 1 }
            if let p = fit.lackOfFitP, p < 0.01 { rejected += 1 }
        }
        // 95% coverage ± 4 binomial SD (SD 1.5% at 200 seeds); size 1% + 4 SD.
        #expect(Double(coveredA) / Double(seeds) >= 0.89, "A covered in \(coveredA) of \(seeds)")
        #expect(Double(coveredB) / Double(seeds) >= 0.89, "B covered in \(coveredB) of \(seeds)")
        #expect(rejected <= 2 + Int(4 * (Double(seeds) * 0.01 * 0.99).squareRoot()), "lack of fit rejected in \(rejected) of \(seeds)")
    }

    @Test("the lack-of-fit test rejects a mean square that is a power law in τ, not the theorem's shape")
    func powerAgainstAMisspecifiedShape() throws {
        var rejected = 0
        for seed in 0..<20 {
            let (design, rows) = Self.samples(seed: UInt64(1000 + seed), trajectories: 400) { g, tau in 0.05 * g * pow(tau, 0.5) }
            if let p = try MeanSquareShapeFit(design: design, samples: rows).lackOfFitP, p < 0.01 { rejected += 1 }
        }
        #expect(rejected >= 18, "rejected in \(rejected) of 20")
    }
}
