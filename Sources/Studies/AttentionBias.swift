import Estimators
import Foundation
import NumericsCore

/// The bias of an attention estimator at fixed inputs, summarised as an RMS over all N·d_v
/// output entries:
///
///     B² = (1/(N d_v)) Σ_e [ (m̂_e − o_e)² − s²_e / R ],
///
/// m̂_e the mean of R draws, o_e the exact target, s²_e the sample variance (the subtraction
/// removes the Monte Carlo part of (m̂_e − o_e)², so B² is unbiased for the squared bias). Its
/// standard error comes from a grouped jackknife over 20 groups of draws, which respects the
/// correlation between entries of one draw. RMS bias = √max(B², 0) with the delta-method SE.
public struct AttentionBiasPoint: Codable, Sendable {
    public var estimator: String
    public var size: Double?
    public var draws: Int
    /// RMS bias √B² over entries.
    public var rmsBias: Estimate
    /// B² itself (may be negative for an unbiased estimator, by chance).
    public var squaredBias: Estimate
    /// RMS of the exact output entries, the scale of the bias.
    public var outputRMS: Double
}

public enum AttentionBias {
    static let groups = 20

    /// Measures `estimator` with `draws` draws (a multiple of 20 is best) from streams
    /// (seed, draw, estimatorDraws, `streamIndex`); parallel over groups, bit-identical for any
    /// thread count. Cost: draws × one estimate.
    public static func measure(_ estimator: any AttentionEstimator, inputs: AttentionInputs, exact: Matrix,
                               draws: Int, seed: UInt64, streamIndex: UInt32 = 0, threads: Int = 1) -> AttentionBiasPoint {
        precondition(draws >= 2 * groups, "bias needs at least \(2 * groups) draws")
        let entries = exact.elements.count
        var sums = [[Double]](repeating: [Double](repeating: 0, count: entries), count: groups)
        var squares = sums
        var counts = [Int](repeating: 0, count: groups)
        if threads > 1 { BLAS.setThreads(1) }
        sums.withUnsafeMutableBufferPointer { sums in
            squares.withUnsafeMutableBufferPointer { squares in
                counts.withUnsafeMutableBufferPointer { counts in
                    // Group g writes only its own sums, squares and count.
                    let (sums, squares, counts) = (DisjointOutput(sums), DisjointOutput(squares), DisjointOutput(counts))
                    parallelForEach(groups, threads: threads) { g in
                        var out = Matrix(rows: exact.rows, columns: exact.columns)
                        let workspace = AttentionWorkspace()
                        for draw in stride(from: g, to: draws, by: groups) {
                            let stream = RandomStream(seed: seed, trajectory: UInt64(draw), purpose: .estimatorDraws, index: streamIndex)
                            estimator.estimate(inputs, into: &out, workspace: workspace, stream: stream)
                            for e in 0..<entries {
                                let value = out.elements[e]
                                sums[g][e] += value
                                squares[g][e] += value * value
                            }
                            counts[g] += 1
                        }
                    }
                }
            }
        }
        func squaredBias(excluding excluded: Int?) -> Double {
            var total = 0.0
            var r = 0
            for g in 0..<groups where g != excluded { r += counts[g] }
            for e in 0..<entries {
                var s = 0.0, q = 0.0
                for g in 0..<groups where g != excluded { s += sums[g][e]; q += squares[g][e] }
                let mean = s / Double(r)
                let variance = max(0, (q - Double(r) * mean * mean) / Double(r - 1))
                let difference = mean - exact.elements[e]
                total += difference * difference - variance / Double(r)
            }
            return total / Double(entries)
        }
        let full = squaredBias(excluding: nil)
        let leaveOneOut = (0..<groups).map { squaredBias(excluding: $0) }
        let centre = leaveOneOut.reduce(0, +) / Double(groups)
        let jackknifeVariance = Double(groups - 1) / Double(groups) * leaveOneOut.reduce(0) { $0 + ($1 - centre) * ($1 - centre) }
        let squared = Estimate(value: full, standardError: jackknifeVariance.squareRoot(), count: draws)
        let rms = full > 0 ? full.squareRoot() : 0
        let rmsSE = full > 0 ? squared.standardError / (2 * rms) : squared.standardError.squareRoot()
        let outputRMS = (exact.elements.reduce(0) { $0 + $1 * $1 } / Double(entries)).squareRoot()
        return AttentionBiasPoint(estimator: estimator.name, size: estimator.size, draws: draws,
                                  rmsBias: Estimate(value: rms, standardError: rmsSE, count: draws),
                                  squaredBias: squared, outputRMS: outputRMS)
    }
}
