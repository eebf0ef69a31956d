import Foundation
import NumericsCore

/// The fixed vocabulary of verdicts the tool prints for a fit or a law against its theory.
public enum Verdict: String, Codable, Sendable, CaseIterable {
    /// The data show the quantity within the stated tolerance of the theory.
    case consistent
    /// The finest levels move towards the theory but have not reached its tolerance band.
    case preAsymptotic = "pre-asymptotic"
    /// The data exclude the theory's tolerance band.
    case inconsistent
    /// The data cannot decide at this sample size (see the record's `trajectoriesToDecide`).
    case inconclusive
    /// There is no theory to compare with, or no estimate could be formed.
    case notAssessed = "not assessed"
}

/// A verdict with the rule that produced it and that rule's error rate.
public struct VerdictRecord: Codable, Sendable, Equatable {
    public var verdict: Verdict
    /// The rule, in words, with the numbers it used.
    public var rule: String
    /// The error rate the rule is designed for (its measured value comes from a calibration run).
    public var errorRate: String
    /// For an inconclusive verdict, the trajectory count that would shrink the interval enough
    /// to decide, from the observed variance: M·(w/w_target)² (nil otherwise).
    public var trajectoriesToDecide: Int?
}

/// Verdicts on fitted orders of convergence: an equivalence test against the theory order.
///
/// With tolerance δ (default 0.05) and the fit's 95% interval I:
/// - when a single order summarises the grid: I ⊂ [q₀ − δ, q₀ + δ] → consistent; I disjoint
///   from the band → inconsistent; otherwise inconclusive;
/// - when it does not (significant lack of fit, or deterministic misfit): the same test on the
///   interval of the finest local order (the asymptotic estimate); if that interval is not inside
///   the band but the local orders approach q₀ from the coarse to the fine end → pre-asymptotic.
///
/// "consistent" by I ⊂ band is the two-one-sided-tests equivalence procedure at level 2.5% per
/// side (Schuirmann, J. Pharmacokin. Biopharm. 15 (1987)): it is wrong at most 2.5% of the time
/// when the true order lies outside the band, provided I covers at its nominal 95%, which the
/// calibration study measures.
public enum OrderVerdictRule {
    public static let defaultTolerance = 0.05
    public static let errorRate = "false 'consistent' or 'inconsistent' ≤ 2.5% each when the 95% interval covers (measured by calibrate)"

    public static func verdict(for fit: OrderFitResult, theory: Double?, tolerance: Double = defaultTolerance) -> VerdictRecord {
        verdict(order: fit.order, ci95: fit.ci95, singleOrderAdequate: fit.singleOrderAdequate, asymptoticOrder: fit.asymptoticOrder,
                localOrders: fit.localOrders, trajectories: fit.levelErrors.first?.count ?? 0, theory: theory, tolerance: tolerance)
    }

    /// The verdict of a convergence fit against `theory` ± `tolerance`.
    public static func verdict(for fit: ConvergenceFit, theory: Double?, tolerance: Double = defaultTolerance) -> VerdictRecord {
        verdict(order: fit.order, ci95: fit.ci95, singleOrderAdequate: fit.singleOrderAdequate, asymptoticOrder: fit.asymptoticOrder,
                localOrders: fit.localOrders, trajectories: fit.asymptoticOrder?.count ?? 0, theory: theory, tolerance: tolerance)
    }

    /// The rule on any fitted exponent: its 95% interval, whether one exponent fits, the finest
    /// local exponent and the local exponents from the coarse to the fine end.
    public static func verdict(order: Double, ci95: [Double], singleOrderAdequate: Bool, asymptoticOrder: Estimate?, localOrders: [Double?],
                        trajectories m: Int, theory: Double?, tolerance: Double) -> VerdictRecord {
        guard let q0 = theory else {
            return VerdictRecord(verdict: .notAssessed, rule: "no theory order for this fit", errorRate: "—", trajectoriesToDecide: nil)
        }
        guard order.isFinite, ci95.count == 2, ci95.allSatisfy(\.isFinite) else {
            return VerdictRecord(verdict: .notAssessed, rule: "no finite order was fitted", errorRate: "—", trajectoriesToDecide: nil)
        }
        let band = (q0 - tolerance, q0 + tolerance)
        let bandText = "\(format(q0)) ± \(format(tolerance))"
        let t = Distributions.studentT95(degreesOfFreedom: Double(max(1, m - 1)))
        if singleOrderAdequate {
            let (lo, hi) = (ci95[0], ci95[1])
            let result = test(centre: order, lower: lo, upper: hi, band: band, trajectories: m,
                              subject: "95% CI \(interval([lo, hi]))", bandText: bandText, approaching: nil)
            // A power law that passes the lack-of-fit test only for want of power: when the local
            // orders approach the band and the finest one's interval reaches it, the grid is
            // pre-asymptotic rather than the theory refuted.
            if result.verdict == .inconsistent, let a = asymptoticOrder, approaches(localOrders, q0),
               a.value - t * a.standardError <= band.1, a.value + t * a.standardError >= band.0 {
                return VerdictRecord(verdict: .preAsymptotic,
                                     rule: "95% CI \(interval([lo, hi])) outside \(bandText), but the local orders approach it and the finest (\(format(a.value)) ± \(format(t * a.standardError))) reaches it",
                                     errorRate: errorRate, trajectoriesToDecide: nil)
            }
            return result
        }
        guard let asymptotic = asymptoticOrder else {
            return VerdictRecord(verdict: .inconclusive, rule: "no single order fits and the finest local order is undefined",
                                 errorRate: errorRate, trajectoriesToDecide: nil)
        }
        let lo = asymptotic.value - t * asymptotic.standardError, hi = asymptotic.value + t * asymptotic.standardError
        let approaching = approaches(localOrders, q0)
        return test(centre: asymptotic.value, lower: lo, upper: hi, band: band, trajectories: m,
                    subject: "no single order fits (lack of fit); finest local order \(format(asymptotic.value)) \(interval([lo, hi]))",
                    bandText: bandText, approaching: approaching)
    }

    /// The local orders approach q₀: the finest is closer to it than the coarsest, and at the
    /// rate of the last refinement the remaining gap closes within three more halvings
    /// (|q_last − q₀| ≤ 3·|q_last − q_prev|). A slow drift far from q₀ — a wrong theory order on a
    /// grid that has converged — is not "pre-asymptotic".
    static func approaches(_ localOrders: [Double?], _ q0: Double) -> Bool {
        let defined = localOrders.compactMap { $0 }
        guard let first = defined.first, let last = defined.last, defined.count >= 2 else { return false }
        let previous = defined[defined.count - 2]
        return abs(last - q0) < abs(first - q0) && abs(last - q0) <= 3 * abs(last - previous)
    }

    public static func test(centre: Double, lower lo: Double, upper hi: Double, band: (Double, Double), trajectories m: Int,
                     subject: String, bandText: String, approaching: Bool?) -> VerdictRecord {
        if lo >= band.0 && hi <= band.1 {
            return VerdictRecord(verdict: .consistent, rule: "\(subject) inside \(bandText)", errorRate: errorRate, trajectoriesToDecide: nil)
        }
        if approaching == true {
            return VerdictRecord(verdict: .preAsymptotic, rule: "\(subject) not inside \(bandText), but the local orders approach it as τ → 0",
                                 errorRate: errorRate, trajectoriesToDecide: nil)
        }
        if hi < band.0 || lo > band.1 {
            return VerdictRecord(verdict: .inconsistent, rule: "\(subject) outside \(bandText)", errorRate: errorRate, trajectoriesToDecide: nil)
        }
        // Straddles an edge: the half-width that would decide is the distance to the nearer edge.
        let half = (hi - lo) / 2
        let margin = min(abs(centre - band.0), abs(centre - band.1))
        var needed: Int?
        if margin > 0, half > 0, m > 0 {
            let factor = (half / margin) * (half / margin)
            if factor.isFinite && factor < 1e9 { needed = Int((Double(m) * factor).rounded(.up)) }
        }
        return VerdictRecord(verdict: .inconclusive, rule: "\(subject) straddles an edge of \(bandText)",
                             errorRate: errorRate, trajectoriesToDecide: needed)
    }
}
