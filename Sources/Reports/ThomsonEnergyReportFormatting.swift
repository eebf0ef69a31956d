import Foundation
import NumericsCore
import Studies

/// The table and JSON of a ``ThomsonEnergyReport`` (schema `rbm-study/thomson-energies/1`).
extension ThomsonEnergyReport {
    /// An energy to nine decimals (the precision of the known minima) ± its SE.
    func energyText(_ e: Estimate) -> String { String(format: "%.9f", e.value) + " ± " + format(e.standardError, digits: 2) }

    public var gapName: String { minimalEnergy == nil ? "E − E(exact flow at T)" : "E − min E" }

    public func table() -> String {
        var out = "Thomson energies at T = \(format(horizon)), N = \(particles), \(trajectories) starts (mean ± 1 SE); "
        out += minimalEnergy.map { "known min E = \($0)\n" } ?? "no known minimum for this N: gaps are against the exact flow's endpoint\n"
        out += "exact flow (rk8pd): E = \(energyText(referenceEnergy))"
        if let largest = referenceLargestAbsoluteGap { out += ", largest |E − min E| over starts \(format(largest, digits: 2))" }
        out += "\n\n" + "p".padding(toLength: 6, withPad: " ", startingAt: 0) + "τ         " + "energy".padding(toLength: 28, withPad: " ", startingAt: 0) + gapName + "\n"
        for row in levels {
            out += (row.batchSize.map(String.init) ?? "full").padding(toLength: 6, withPad: " ", startingAt: 0)
                + format(row.dt).padding(toLength: 10, withPad: " ", startingAt: 0)
                + energyText(row.energy).padding(toLength: 28, withPad: " ", startingAt: 0) + pm(row.gap) + "\n"
        }
        out += "\nRBM with decreasing steps (\(schedule.description)):\n"
        for a in annealed {
            out += "p = \(a.batchSize): E = \(energyText(a.energy)), \(gapName) = \(pm(a.gap)), largest relative gap over starts \(format(a.largestRelativeGap, digits: 2))\n"
        }
        if !gapFits.isEmpty {
            out += "\norder of the RBM gap in τ (log RMS gap on log τ, delta-method 95% interval — not calibrated for this quantity; * = no single order fits, interval spans the local orders):\n"
            for f in gapFits {
                out += "p = \(f.batchSize): \(format(f.order)) \(interval(f.ci95))\(f.intervalKind == OrderIntervalKind.localOrderRange.rawValue ? "*" : ""), local orders (coarse → fine) "
                    + f.localOrders.map { $0.map { format($0, digits: 2) } ?? "—" }.joined(separator: " ") + "; \(f.verdict)\n"
            }
        }
        if nonFiniteRuns > 0 { out += "\n\(nonFiniteRuns) runs became non-finite (two charges met): no gap order is fitted\n" }
        return out
    }

    public func json() throws -> Data { try reportJSON(self, escapingSlashes: false) }
}
