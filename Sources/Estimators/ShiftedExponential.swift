import CNumerics

/// The max-shifted exponential of a row of scores, e^{sⱼ − m} with m ≥ maxⱼ sⱼ, vectorised.
///
/// Every argument is ≤ 0, the domain of `cnumerics_exp_nonpositive` (Cody–Waite reduction by
/// ln 2 and a degree-13 Taylor polynomial, 8 lanes): each value is within 2 ulp of e^{sⱼ − m}, so
/// within 3 ulp of libm's `exp` (itself within 1 ulp); entries below e^{−708} of the shift are
/// flushed to 0 (an absolute error below 2⁻¹⁰²¹·e^m). A row exponentiated here therefore differs from
/// the scalar `exp` loop in the last 2 bits of each entry, and a normalised weight wⱼ / Σₖ wₖ by at
/// most (8 + 2N)·ε relative (ε = 2⁻⁵²; the 2N only if the roundings of the sum all move; both tested
/// in ShiftedExponentialTests). The subtraction sⱼ − m is the same as in the scalar loop. O(N).
public enum ShiftedExponential {
    /// row[j] ← e^{row[j] − shift} for j < count; `shift` must be ≥ every row[j] (non-finite entries
    /// give non-finite results, as with `exp`).
    @inlinable
    public static func exponentiate(_ row: UnsafeMutablePointer<Double>, count: Int, shift: Double) {
        for j in 0..<count { row[j] -= shift }
        cnumerics_exp_nonpositive(row, row, count)
    }

    /// row[j] ← e^{row[j] − shift} as ``exponentiate(_:count:shift:)``, and returns Σⱼ row[j] summed in
    /// eight lanes (`cnumerics_lane_sum`, an order fixed by `count` alone; its rounding error is within
    /// the (N − 1)·ε·Σ bound of any order, so the (8 + 2N)·ε bound on normalised weights holds).
    @inlinable
    public static func exponentiateAndSum(_ row: UnsafeMutablePointer<Double>, count: Int, shift: Double) -> Double {
        exponentiate(row, count: count, shift: shift)
        return cnumerics_lane_sum(row, count)
    }
}
