import Estimators
import Foundation
import NumericsCore

/// Performer's random-feature estimates of the softmax kernel SM(x, y) = exp(xᵀy) are unbiased
/// with the exact mean squared errors of Choromanski et al. (ICLR 2021, arXiv 2009.14794,
/// Lemma 2): for m i.i.d. features, MSE_trig = (1/2m)·exp(‖x+y‖²)·SM(x,y)^{−2}·(1 − exp(−‖x−y‖²))²
/// MSE_pos = (1/m)·exp(‖x+y‖²)·SM(x,y)²·(1 − exp(−‖x+y‖²)) and MSE_hyp = ½(1 − exp(−‖x+y‖²))·MSE_pos (the closed forms of
/// `RandomFeatureMap`). Each feature kind is a cell
/// of ``FamilyOfCells`` on the relative MSE (measured/closed form, tolerance 0.1).
public struct RandomFeatureMeanSquaredErrorClaim: Claim {
    public var id = "performer-mse-law"
    public var statement: String
    public var reference = "Choromanski et al., Rethinking Attention with Performers, ICLR 2021, arXiv 2009.14794, Lemma 2"
    public var features: Int
    public var draws: Int
    public var scale: Double

    public init(features: Int = 8, draws: Int = 20_000, scale: Double = 1) {
        self.features = features
        self.draws = draws
        self.scale = scale
        statement = "the mean squared error of each Performer feature kind equals its closed form\(scale == 1 ? "" : " × \(short(scale))")"
    }

    static let x: [Double] = [0.4, -0.2, 0.1, 0.2], y: [Double] = [0.1, 0.3, -0.3, 0.2]

    public var configuration: String { "x = \(Self.x), y = \(Self.y), m = \(features) i.i.d. features, \(draws) feature maps per kind" }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let exact = RandomFeatureMap.softmaxKernel(Self.x, Self.y)
        var cells: [FamilyOfCells.Cell] = []
        var evidence = ClaimEvidence(columns: ["features", "MSE ± SE", "claimed", "measured/claimed ± SE"])
        for (k, kind) in RandomFeatureMap.Kind.allCases.enumerated() {
            let stream = RandomStream(seed: seed, trajectory: UInt64(k), purpose: .estimatorDraws)
            var moments = RunningMoments()
            for _ in 0..<draws {
                let map = RandomFeatureMap(kind: kind, features: features, dimension: Self.x.count, sampling: .independent, stream: stream)
                let e = map.kernelEstimate(Self.x, Self.y) - exact
                moments.add(e * e)
            }
            let claimed = scale * RandomFeatureMap.meanSquaredError(kind, x: Self.x, y: Self.y, features: features)
            let relative = Estimate(value: moments.mean / claimed, standardError: moments.standardErrorOfMean / claimed, count: draws)
            cells.append(.init(label: kind.rawValue, measured: relative, claimed: 1))
            evidence.rows.append([kind.rawValue, "\(short(moments.mean)) ± \(short(moments.standardErrorOfMean))", short(claimed), pm(relative)])
        }
        let family = FamilyOfCells(cells: cells, tolerance: 0.1)
        let decision = family.decide(samples: draws)
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration, verdict: decision.verdict,
                            rule: "relative MSE per kind: " + decision.rule, errorRate: family.errorRate, expected: scale, measured: nil,
                            evidence: evidence, samplesNeeded: decision.samplesNeeded, samplesUnit: "feature maps per kind",
                            seed: seed, seconds: elapsed(since: start))
    }
}
