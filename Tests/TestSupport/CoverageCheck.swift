import Foundation

/// The size of the coverage tests over seeds: 40 seeds by default, with the band of accepted
/// coverages ±2 binomial SD around 95%; 400 seeds with RBM_LONG_CALIBRATION=1 (band 95% ± 2.5%).
public enum CoverageCheck {
    public static var seeds: Int { ProcessInfo.processInfo.environment["RBM_LONG_CALIBRATION"] == "1" ? 400 : 40 }
    public static var band: ClosedRange<Double> { seeds >= 400 ? 0.925...1.0 : 0.88...1.0 }
}
