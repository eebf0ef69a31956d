import Foundation
import NumericsCore
import Studies
import Testing

/// The weak error's expansion C₁·τ + C₂·τ² (Talay & Tubaro 1990) and how it reads a power-law
/// weak-order verdict: a first-order error with a τ² term is pre-asymptotic, an error of another
/// order is not rescued.
@Suite("Weak error expansion")
struct WeakErrorExpansionTests {
    static let steps: [Double] = [0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625]
    static let h: Double = 0.00390625 / 8

    /// Paired weak errors b(τ) + noise (SD `noise` per trajectory and level) for `m` trajectories.
    static func samples(_ b: (Double) -> Double, noise: Double, m: Int = 400, seed: UInt64 = 11) -> [[Double]] {
        (0..<m).map { t in
            let stream = RandomStream(seed: seed, trajectory: UInt64(t), purpose: .brownianNoise)
            return steps.map { b($0) + noise * stream.gaussian() }
        }
    }

    static func inconsistent() -> VerdictRecord {
        OrderVerdictRule.test(centre: 1.2, lower: 1.1, upper: 1.3, band: (0.95, 1.05), trajectories: 400,
                              subject: "95% CI [1.1, 1.3]", bandText: "1 ± 0.05", approaching: nil)
    }

    @Test("a first-order weak error with a τ² term: the expansion fits, C₁ is recovered within 4 SE, and an inconsistent power law reads as pre-asymptotic")
    func firstOrderWithCurvatureIsPreAsymptotic() throws {
        let (c1, c2) = (0.04, 0.3)
        let h = Self.h
        let exact: (Double) -> Double = { tau in c1 * (tau - h) + c2 * (tau * tau - h * h) }
        let data = Self.samples(exact, noise: 0.002)
        let expansion = try #require(WeakErrorExpansion.fit(timeSteps: Self.steps, referenceStep: Self.h, samples: data))
        #expect(abs(expansion.firstOrder.value - c1) <= 4 * expansion.firstOrder.standardError, "C₁ = \(expansion.firstOrder)")
        #expect(abs(expansion.secondOrder.value - c2) <= 4 * expansion.secondOrder.standardError, "C₂ = \(expansion.secondOrder)")
        #expect((expansion.lackOfFitP ?? 0) >= WeakErrorExpansion.lackOfFitLevel)
        let verdict = expansion.weakOrderVerdict(Self.inconsistent(), theory: 1, singleOrderAdequate: true, timeSteps: Self.steps, tolerance: 0.05)
        #expect(verdict.verdict == Verdict.preAsymptotic, "\(verdict.rule)")
    }

    @Test("an error of order ½ is not rescued: the expansion's lack of fit rejects and the verdict stays inconsistent")
    func halfOrderErrorStaysInconsistent() throws {
        let root = Self.h.squareRoot()
        let halfOrder: (Double) -> Double = { tau in 0.03 * (tau.squareRoot() - root) }
        let data = Self.samples(halfOrder, noise: 0.002)
        let expansion = try #require(WeakErrorExpansion.fit(timeSteps: Self.steps, referenceStep: Self.h, samples: data))
        #expect((expansion.lackOfFitP ?? 1) < WeakErrorExpansion.lackOfFitLevel)
        let verdict = expansion.weakOrderVerdict(Self.inconsistent(), theory: 1, singleOrderAdequate: true, timeSteps: Self.steps, tolerance: 0.05)
        #expect(verdict.verdict == Verdict.inconsistent, "\(verdict.rule)")
    }

    @Test("a pure first-order error (no τ² term) implies order 1 on the grid, so an inconsistent power law is not explained away")
    func pureFirstOrderDoesNotExplainAnInconsistentSlope() throws {
        let h = Self.h
        let firstOrder: (Double) -> Double = { tau in 0.04 * (tau - h) }
        let data = Self.samples(firstOrder, noise: 0.0005)
        let expansion = try #require(WeakErrorExpansion.fit(timeSteps: Self.steps, referenceStep: Self.h, samples: data))
        let verdict = expansion.weakOrderVerdict(Self.inconsistent(), theory: 1, singleOrderAdequate: true, timeSteps: Self.steps, tolerance: 0.05)
        #expect(verdict.verdict == Verdict.inconsistent, "\(verdict.rule)")
    }
}
