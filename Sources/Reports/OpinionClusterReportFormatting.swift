import Foundation
import NumericsCore
import Studies

/// The table and JSON of an ``OpinionClusterReport`` (schema `rbm-study/opinion-clusters/1`).
extension OpinionClusterReport {
    public func table() -> String {
        var out = "opinion clusters (maximal groups with sorted gaps < \(format(gapThreshold))), N = \(particles), σ = \(format(noise)), \(trajectories) trajectories, mean ± 1 SE:\n"
        out += "exact = Euler–Maruyama at h = \(format(referenceStep)); RBM at τ = \(format(timeStep)) on the same start and Brownian path\n\n"
        guard nonFiniteRuns == 0 else { return out + "\(nonFiniteRuns) runs became non-finite: no cluster counts are reported\n" }
        out += "t".padding(toLength: 8, withPad: " ", startingAt: 0) + "exact".padding(toLength: 20, withPad: " ", startingAt: 0)
        out += batchSizes.map { "RBM p = \($0) (− exact)".padding(toLength: 40, withPad: " ", startingAt: 0) }.joined() + "\n"
        for row in rows {
            out += format(row.time).padding(toLength: 8, withPad: " ", startingAt: 0) + pm(row.exact).padding(toLength: 20, withPad: " ", startingAt: 0)
            out += zip(row.randomBatch, row.difference).map { "\(pm($0)) (\(pm($1)))".padding(toLength: 40, withPad: " ", startingAt: 0) }.joined() + "\n"
        }
        return out
    }

    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }
}
