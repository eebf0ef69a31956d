/// The per-trajectory error samples of a convergence study (one trajectory's contribution
/// to every level), kept whole so that levels can be resampled jointly (bootstrap) and their
/// cross-level covariance estimated (GLS).
public struct TrajectoryErrors: Codable, Sendable {
    public var trajectory: Int
    /// [level]: (1/N) Σᵢ ‖Xᵢ^{full}(T) − Xᵢ^{ref}(T)‖².
    public var timeSquared: [Double]
    /// [level]: f(X^{full}(T)) − f(X^{ref}(T)).
    public var timeWeak: [Double]
    /// [batch size][level]: (1/N) Σᵢ ‖X̃ᵢ(T) − Xᵢ^{ref}(T)‖² (total strong error).
    public var strongSquared: [[Double]]
    /// [batch size][level]: (1/N) Σᵢ ‖X̃ᵢ(T) − Xᵢ^{full}(T)‖² (batch error, same τ and noise).
    public var batchSquared: [[Double]]
    /// [batch size][level]: f(X̃(T)) − f(X^{ref}(T)) (paired weak error).
    public var weak: [[Double]]
    /// Runs of this trajectory whose state became non-finite (reported, never hidden).
    public var nonFiniteRuns: Int
    /// Runs (reference included) in which two particles crossed, for problems that forbid it.
    public var crossedRuns: Int
    /// f(X^{ref}(T)), for the weak error against an exact expectation.
    public var referenceObservable: Double
}

extension TrajectoryErrors {
    /// Long-format CSV lines (trajectory, kind, batchSize, dt, value) for streaming to disk.
    public func csvLines(configuration c: ConvergenceConfiguration) -> String {
        var lines: [String] = []
        for (k, dt) in c.timeSteps.enumerated() {
            lines.append("\(trajectory),timeSquared,\(c.particles),\(dt),\(timeSquared[k])")
            for (b, p) in c.batchSizes.enumerated() {
                lines.append("\(trajectory),strongSquared,\(p),\(dt),\(strongSquared[b][k])")
                lines.append("\(trajectory),batchSquared,\(p),\(dt),\(batchSquared[b][k])")
                lines.append("\(trajectory),weak,\(p),\(dt),\(weak[b][k])")
            }
        }
        return lines.joined(separator: "\n")
    }
}
