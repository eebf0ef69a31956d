import Foundation

/// A system's own measurements beside its convergence study: the energies the Thomson flows
/// reach (``ThomsonEnergyStudy``) and the opinion cluster counts over time
/// (``OpinionClusterStudy``). Run on the study's configuration, so the RBM runs are the study's.
public enum ConvergenceCompanion: Sendable {
    case thomson(ThomsonEnergyReport)
    case opinion(OpinionClusterReport)

    /// The companion of `c.system`, or nil for systems without one.
    public static func run(_ c: ConvergenceConfiguration) throws -> ConvergenceCompanion? {
        switch c.system {
        case .thomson: return .thomson(try ThomsonEnergyStudy.run(c))
        case .opinion: return .opinion(try OpinionClusterStudy.run(c))
        default: return nil
        }
    }

    /// Runs that became non-finite (numerical failure, never a result).
    public var nonFiniteRuns: Int {
        switch self {
        case .thomson(let r): return r.nonFiniteRuns
        case .opinion(let r): return r.nonFiniteRuns
        }
    }
}
