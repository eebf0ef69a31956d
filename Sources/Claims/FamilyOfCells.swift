import NumericsCore

/// The decision over a family of K measured cells, each an estimate against a claimed value:
///
/// - rejected when any cell's two-sided p-value is below α/K (Bonferroni: a false rejection in
///   at most α of families when every claimed value is true);
/// - holds when every cell's 95% interval, Bonferroni-widened to 1 − 0.05/K, lies inside
///   claimed ± tolerance (equivalence for every cell at once);
/// - inconclusive otherwise, with the sample size that would shrink the widest interval to the
///   tolerance, M·(w/w_target)².
struct FamilyOfCells {
    static let level = 0.001

    struct Cell {
        var label: String
        var measured: Estimate
        var claimed: Double
    }

    var cells: [Cell]
    var tolerance: Double

    var errorRate: String {
        "false 'rejected' ≤ \(short(Self.level)) per family (Bonferroni over the \(cells.count) cells); false 'holds' ≤ 2.5% per cell when the normal intervals cover"
    }

    func decide(samples m: Int) -> (verdict: ClaimVerdict, rule: String, samplesNeeded: Int?) {
        let k = Double(max(1, cells.count))
        let rejectZ = Distributions.normalQuantile(1 - Self.level / (2 * k))
        let holdZ = Distributions.normalQuantile(1 - 0.05 / (2 * k))
        var rejected: [String] = [], undecided = false, factor = 0.0
        for cell in cells {
            let se = cell.measured.standardError, deviation = cell.measured.value - cell.claimed
            let z = se > 0 ? deviation / se : (deviation == 0 ? 0 : .infinity)
            if abs(z) > rejectZ && abs(deviation) > 0 { rejected.append("\(cell.label): z = \(short(z))") }
            if abs(deviation) + holdZ * se > tolerance {
                undecided = true
                let room = tolerance - abs(deviation)
                if room > 0 { factor = max(factor, (holdZ * se / room) * (holdZ * se / room)) }
            }
        }
        let band = "claimed ± \(short(tolerance))"
        if !rejected.isEmpty {
            return (.rejected, "\(rejected.count) of \(cells.count) cells beyond |z| > \(short(rejectZ)) (α = \(short(Self.level)) Bonferroni): " + rejected.joined(separator: ", "), nil)
        }
        if !undecided {
            return (.holds, "every cell's \(short(100 * (1 - 0.05 / k)))% interval inside \(band), none with |z| > \(short(rejectZ))", nil)
        }
        let needed = factor > 0 && factor < 1e9 ? Int((Double(m) * factor).rounded(.up)) : nil
        return (.inconclusive, "no cell rejects, but not every interval lies inside \(band)", needed)
    }
}
