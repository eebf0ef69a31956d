import Foundation
import Testing
import NumericsCore

@Suite("Order fit with the leading correction term")
struct CorrectedOrderFitTests {
    /// Per-trajectory mean squares with E S(τ) = τ·e^{4τ}, i.e. e(τ) = √τ·e^{2τ} (order 1/2, log-correction 2τ)
    /// and multiplicative noise with 2% relative SD per trajectory, shared partly across levels.
    func samples(trajectories m: Int, seed: UInt64) -> (steps: [Double], samples: [[Double]]) {
        let steps = (3...8).map { pow(2.0, -Double($0)) }
        let stream = RandomStream(seed: seed, purpose: .bootstrap)
        let rows = (0..<m).map { _ -> [Double] in
            let shared = stream.gaussian()
            return steps.map { tau in
                let e = tau.squareRoot() * exp(2 * tau)
                return e * e * (1 + 0.2 * (0.6 * shared + 0.8 * stream.gaussian()))
            }
        }
        return (steps, rows)
    }

    @Test("the corrected fit recovers order 1/2 where the plain power law is biased by the O(τ) term")
    func recoversAsymptoticOrder() throws {
        let (steps, rows) = samples(trajectories: 4000, seed: 11)
        let corrected = try CorrectedOrderFit(timeSteps: steps, samples: rows)
        #expect(abs(corrected.order - 0.5) <= 4 * corrected.standardError, "\(corrected)")
        #expect(abs(corrected.correction - 2) <= 4 * corrected.correctionStandardError, "\(corrected)")
        let plain = try OrderFit.fit(OrderFitInput(timeSteps: steps, samples: rows, measure: .rootMeanSquare),
                                     bootstrapReplicates: 50, stream: RandomStream(seed: 12, purpose: .bootstrap))
        #expect(plain.ci95[0] > 0.5, "the plain fit should exclude 1/2 on this precise, pre-asymptotic data: \(plain.ci95)")
    }

    @Test("the corrected fit needs at least four levels")
    func needsFourLevels() {
        let (steps, rows) = samples(trajectories: 50, seed: 3)
        #expect(throws: FitInputError.self) {
            try CorrectedOrderFit(timeSteps: Array(steps.prefix(3)), samples: rows.map { Array($0.prefix(3)) })
        }
    }
}
