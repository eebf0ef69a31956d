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
    /// [level][checkpoint]: (1/N) Σᵢ ‖Xᵢ^{full}(tⱼ) − Xᵢ^{ref}(tⱼ)‖² at the checkpoints
    /// tⱼ = j·T/K (``ConvergenceConfiguration/checkpointTimes``; the last equals ``timeSquared``).
    public var checkpointTimeSquared: [[Double]]
    /// [batch size][level][checkpoint]: the total strong error's mean square at tⱼ.
    public var checkpointStrongSquared: [[[Double]]]
    /// [batch size][level][checkpoint]: the batch error's mean square at tⱼ.
    public var checkpointBatchSquared: [[[Double]]]
    /// dyson only: the distances of every run's empirical measure to the semicircle law at the
    /// checkpoints (absent from the records of other systems).
    public var semicircle: SemicircleDistanceSamples? = nil
}

extension TrajectoryErrors {
    /// The CSV header of ``csvLines(configuration:)``.
    public static let csvHeader = "trajectory,kind,batchSize,dt,t,value"

    /// Long-format CSV lines (trajectory, kind, batchSize, dt, t, value) for streaming to disk:
    /// the mean squares at every checkpoint t < T, then every error at T.
    public func csvLines(configuration c: ConvergenceConfiguration) -> String {
        var lines: [String] = []
        let times = c.checkpointTimes
        for (k, dt) in c.timeSteps.enumerated() {
            for (j, t) in times.enumerated().dropLast() {
                lines.append("\(trajectory),timeSquared,\(c.particles),\(dt),\(t),\(checkpointTimeSquared[k][j])")
                for (b, p) in c.batchSizes.enumerated() {
                    lines.append("\(trajectory),strongSquared,\(p),\(dt),\(t),\(checkpointStrongSquared[b][k][j])")
                    lines.append("\(trajectory),batchSquared,\(p),\(dt),\(t),\(checkpointBatchSquared[b][k][j])")
                }
            }
            let horizon = c.horizon
            lines.append("\(trajectory),timeSquared,\(c.particles),\(dt),\(horizon),\(timeSquared[k])")
            for (b, p) in c.batchSizes.enumerated() {
                lines.append("\(trajectory),strongSquared,\(p),\(dt),\(horizon),\(strongSquared[b][k])")
                lines.append("\(trajectory),batchSquared,\(p),\(dt),\(horizon),\(batchSquared[b][k])")
                lines.append("\(trajectory),weak,\(p),\(dt),\(horizon),\(weak[b][k])")
            }
        }
        return lines.joined(separator: "\n")
    }
}
