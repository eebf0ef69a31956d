import Foundation
import NumericsCore

// How numbers read in the texts a study writes (verdict rules, notes, summaries) and in the
// tables and notebooks of the Reports module: one style for both, so `package` access.

/// `x` with `digits` significant digits: `%g` style, scientific notation below 10⁻³ and from
/// 10⁵ on; "nan" for a non-finite number.
package func format(_ x: Double, digits: Int = 3) -> String {
    guard x.isFinite else { return "nan" }
    if x != 0 && (abs(x) < 1e-3 || abs(x) >= 1e5) { return String(format: "%.\(digits - 1)e", x) }
    return String(format: "%.\(digits)g", x)
}

/// An estimate as "value ± SE" (SE to two digits).
package func pm(_ e: Estimate) -> String { "\(format(e.value)) ± \(format(e.standardError, digits: 2))" }

/// A two-sided interval as "[low, high]".
package func interval(_ ci: [Double]) -> String { "[\(format(ci[0])), \(format(ci[1]))]" }
