import Foundation
import Studies

extension ParticleSweepReport {
    /// Pretty-printed JSON with sorted keys (non-finite numbers as "inf", "-inf", "nan").
    public func json() throws -> Data { try reportJSON(self, nonFiniteAsStrings: true) }

    /// The table: the exponent of each error kind in N, then the cost per step against N.
    public func table() -> String {
        var out = "convergence N sweep: \(reports.first?.problem.name ?? ""), N ∈ {\(particleCounts.map(String.init).joined(separator: ", "))}, errors at the finest τ = \(format(particleScaling.first?.dt ?? .nan)); seeds derived per N from \(manifest.seed)\n"
        out += "exponent of the error in N (theory 0 for the batch error: the RBM constant does not depend on N; random batch errors are divided by √g(p, N) before the fit); 95% intervals, verdict against 0 ± \(format(ParticleScalingStudy.tolerance))\n\n"
        out += pad("kind", 8) + pad("p", 5) + particleCounts.map { pad("N = \($0)", 22) }.joined() + pad("exponent [95% CI]", 30) + "verdict\n"
        for s in particleScaling {
            out += pad(s.kind.rawValue, 8) + pad(s.kind == .time ? "—" : "\(s.batchSize)", 5)
                + s.errors.map { pad("\(format($0.value)) ± \(format($0.standardError))", 22) }.joined()
                + pad("\(format(s.exponent)) \(interval(s.ci95))", 30) + s.verdict.verdict.rawValue + "\n"
        }
        out += "\ncost: CPU seconds per trajectory step: " + cost.map { "N = \($0.particles): \(format($0.cpuSecondsPerStep))" }.joined(separator: ", ") + "\n"
        return out
    }

    /// CSV (long format): one line per (kind, batch size, N).
    public func csv() -> String {
        var lines = ["kind,batchSize,dt,particles,error,standardError,exponent,exponentLow,exponentHigh,verdict"]
        for s in particleScaling {
            for (n, e) in zip(s.particles, s.errors) {
                lines.append("\(s.kind.rawValue),\(s.batchSize),\(s.dt),\(n),\(csvNumber(e.value)),\(csvNumber(e.standardError)),\(csvNumber(s.exponent)),\(csvNumber(s.ci95[0])),\(csvNumber(s.ci95[1])),\(s.verdict.verdict.rawValue)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
