import Estimators
import Foundation
import NumericsCore

/// YOSO's hash (Zeng et al., ICML 2021, arXiv 2111.09714): τ sign random projections of two
/// vectors at angle θ collide with probability (1 − θ/π)^τ. Each (θ, τ) is a cell of
/// ``FamilyOfCells``: the collision frequency over `hashes` independent hashes, binomial SE,
/// against the claimed probability (tolerance 0.02). `exponentScale` multiplies τ in the claim
/// (1 for the theorem; 2 is a negative control).
public struct YOSOCollisionClaim: Claim {
    public var id = "yoso-collision-probability"
    public var statement: String
    public var reference = "Zeng et al., You Only Sample (Almost) Once, ICML 2021, arXiv 2111.09714"
    public var hashes: Int
    public var exponentScale: Double
    public static let angles = [0.05, 0.4, 1.0, 1.6, 2.3, 3.0], bits = [1, 2, 4, 8]

    public init(hashes: Int = 20_000, exponentScale: Double = 1) {
        self.hashes = hashes
        self.exponentScale = exponentScale
        statement = "τ sign random projections collide with probability (1 − θ/π)^\(exponentScale == 1 ? "τ" : "(\(short(exponentScale))τ)")"
    }

    public var configuration: String {
        "θ ∈ {\(Self.angles.map(short).joined(separator: ", "))}, τ ∈ {\(Self.bits.map(String.init).joined(separator: ", "))}, d = 5, \(hashes) hashes per cell"
    }

    public func check(seed: UInt64, threads: Int) throws -> ClaimOutcome {
        let start = Date()
        let d = 5
        var cells: [FamilyOfCells.Cell] = []
        var evidence = ClaimEvidence(columns: ["θ", "τ", "frequency ± SE", "claimed"])
        for (a, angle) in Self.angles.enumerated() {
            for bits in Self.bits {
                var q = [Double](repeating: 0, count: d), k = q
                q[0] = 1
                k[0] = cos(angle); k[1] = sin(angle)
                let stream = RandomStream(seed: seed, trajectory: UInt64(a), purpose: .estimatorDraws, index: UInt32(bits))
                var hash = YOSOHash(bits: bits, dimension: d, stream: stream)
                var collisions = 0
                for h in 0..<hashes {
                    if h > 0 { hash.redraw(stream) }
                    if hash.code(q) == hash.code(k) { collisions += 1 }
                }
                let f = Double(collisions) / Double(hashes)
                let claimed = pow(1 - angle / Double.pi, exponentScale * Double(bits))
                // The SE under the claim (exact binomial when the claim is true).
                let se = max(claimed * (1 - claimed), 1 / Double(hashes)).squareRoot() / Double(hashes).squareRoot()
                let measured = Estimate(value: f, standardError: se, count: hashes)
                cells.append(.init(label: "θ = \(short(angle)), τ = \(bits)", measured: measured, claimed: claimed))
                evidence.rows.append([short(angle), "\(bits)", pm(measured), short(claimed)])
            }
        }
        let family = FamilyOfCells(cells: cells, tolerance: 0.02)
        let decision = family.decide(samples: hashes)
        return ClaimOutcome(id: id, statement: statement, reference: reference, configuration: configuration, verdict: decision.verdict,
                            rule: decision.rule, errorRate: family.errorRate, expected: exponentScale, measured: nil, evidence: evidence,
                            samplesNeeded: decision.samplesNeeded, samplesUnit: "hashes per cell", seed: seed, seconds: elapsed(since: start))
    }
}
