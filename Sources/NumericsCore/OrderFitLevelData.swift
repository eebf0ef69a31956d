import Foundation

/// Flattened samples with per-level means and the cross-level sample covariance.
struct OrderFitLevelData {
    let timeSteps: [Double]
    let levels: Int
    let trajectories: Int
    /// s[m·K + k].
    let flat: [Double]
    let means: [Double]
    /// Unbiased sample covariance of (s_·k, s_·l) across trajectories (not divided by M).
    let sampleCovariance: Matrix
    let levelErrors: [Estimate]

    init(_ input: OrderFitInput) throws {
        let k = input.timeSteps.count, m = input.samples.count
        guard k >= 2 else { throw FitInputError("order fit needs K ≥ 2 step sizes, got \(k)") }
        guard m >= 2 else { throw FitInputError("order fit needs M ≥ 2 trajectories, got \(m)") }
        guard input.timeSteps.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw FitInputError("order fit: step sizes must be finite and > 0, got \(input.timeSteps)")
        }
        guard Set(input.timeSteps).count >= 2 else { throw FitInputError("order fit needs at least two distinct step sizes") }
        var flat = [Double]()
        flat.reserveCapacity(k * m)
        for (index, row) in input.samples.enumerated() {
            guard row.count == k else {
                throw FitInputError("order fit: trajectory \(index) has \(row.count) samples, expected one per step size (\(k))")
            }
            guard row.allSatisfy(\.isFinite) else { throw FitInputError("order fit: trajectory \(index) has non-finite samples") }
            if input.measure == .rootMeanSquare, row.contains(where: { $0 < 0 }) {
                throw FitInputError("order fit: trajectory \(index) has a negative mean squared error")
            }
            flat.append(contentsOf: row)
        }
        var means = [Double](repeating: 0, count: k)
        for t in 0..<m { for l in 0..<k { means[l] += flat[t * k + l] } }
        for l in 0..<k { means[l] /= Double(m) }
        var cov = Matrix(rows: k, columns: k)
        var centred = [Double](repeating: 0, count: k)
        for t in 0..<m {
            for l in 0..<k { centred[l] = flat[t * k + l] - means[l] }
            for a in 0..<k { for b in 0...a { cov[a, b] += centred[a] * centred[b] } }
        }
        for a in 0..<k {
            for b in 0...a {
                cov[a, b] /= Double(m - 1)
                cov[b, a] = cov[a, b]
            }
        }
        let count = Double(m)
        let levelErrors: [Estimate] = (0..<k).map { l in
            let seMean = (max(0, cov[l, l]) / count).squareRoot()
            switch input.measure {
            case .signedMean:
                return Estimate(value: means[l], standardError: seMean, count: m)
            case .rootMeanSquare:
                return Estimate.rootMeanSquare(ofMeanSquare: Estimate(value: means[l], standardError: seMean, count: m))
            }
        }
        self.timeSteps = input.timeSteps
        self.levels = k
        self.trajectories = m
        self.flat = flat
        self.means = means
        self.sampleCovariance = cov
        self.levelErrors = levelErrors
    }

    /// Per-level means over a resample of trajectories.
    func resampledMeans(_ indices: [Int], into sums: inout [Double]) {
        let k = levels
        precondition(sums.count == k, "resampled means buffer has \(sums.count) entries for \(k) levels")
        let n = Double(indices.count)
        flat.withUnsafeBufferPointer { s in
            indices.withUnsafeBufferPointer { idx in
                sums.withUnsafeMutableBufferPointer { out in
                    let s = s.baseAddress!, out = out.baseAddress!
                    for l in 0..<k { out[l] = 0 }
                    for t in idx {
                        let row = s + t * k
                        for l in 0..<k { out[l] += row[l] }
                    }
                    for l in 0..<k { out[l] /= n }
                }
            }
        }
    }
}
