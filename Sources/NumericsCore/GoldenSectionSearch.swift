/// Minimisation of a one-dimensional function on a grid, refined by golden-section search in
/// the two grid cells around the grid minimum (Kiefer, Proc. AMS 4 (1953)). The function is
/// assumed unimodal inside that bracket. O(G + iterations) evaluations for a grid of G points.
enum GoldenSectionSearch {
    /// The grid index of the smallest value (the first one on ties).
    static func gridMinimum(_ values: [Double]) -> Int {
        values.indices.min { values[$0] < values[$1] } ?? 0
    }

    /// The refined minimiser in [grid[best − 1], grid[best + 1]] (clamped to the grid), stopping
    /// when the bracket is narrower than `tolerance` or after `iterations` steps.
    static func refine(_ f: (Double) -> Double, grid: [Double], best: Int, tolerance: Double, iterations: Int) -> Double {
        var a = grid[max(0, best - 1)], b = grid[min(grid.count - 1, best + 1)]
        let golden = (5.0.squareRoot() - 1) / 2
        var c = b - golden * (b - a), d = a + golden * (b - a)
        var fc = f(c), fd = f(d)
        for _ in 0..<iterations where b - a > tolerance {
            if fc < fd { b = d; d = c; fd = fc; c = b - golden * (b - a); fc = f(c) }
            else { a = c; c = d; fc = fd; d = a + golden * (b - a); fd = f(d) }
        }
        return (a + b) / 2
    }
}
