import Foundation

/// The observables whose weak errors E f(X̃(T)) − E f(X(T)) the distributional study reports
/// (X̃ the RBM-r state, X the exact system's; positions row-major N×d).
public enum DistributionalObservable: String, CaseIterable, Codable, Sendable {
    /// f(X) = (1/N) Σᵢ ‖Xᵢ‖², the second moment of the empirical measure (closed form on `linear`).
    case secondMoment = "second-moment"
    /// f(X) = (1/N) Σᵢ Xᵢ,₁, the first coordinate of the centre of mass (0 by symmetry on both
    /// reference problems, for every scheme: its weak error is 0 exactly).
    case mean
    /// f(X) = (1/N) Σᵢ exp(−‖Xᵢ‖²/2), a bounded smooth test function with values in (0, 1].
    case gaussianBump = "gaussian-bump"

    public var formula: String {
        switch self {
        case .secondMoment: return "(1/N) Σᵢ ‖Xᵢ‖²"
        case .mean: return "(1/N) Σᵢ Xᵢ,₁"
        case .gaussianBump: return "(1/N) Σᵢ exp(−‖Xᵢ‖²/2)"
        }
    }

    /// f(x) for N particles in dimension d. O(N·d).
    public func evaluate(_ x: [Double], particles n: Int, dimension d: Int) -> Double {
        var s = 0.0
        for i in 0..<n {
            switch self {
            case .secondMoment: for c in 0..<d { s += x[i * d + c] * x[i * d + c] }
            case .mean: s += x[i * d]
            case .gaussianBump:
                var r2 = 0.0
                for c in 0..<d { r2 += x[i * d + c] * x[i * d + c] }
                s += exp(-r2 / 2)
            }
        }
        return s / Double(n)
    }
}
