/// Neumaier's compensated summation (improved Kahan–Babuška): the running sum carries the
/// rounding error of every addition, so the result has error ≈ ε·|sum| + O(N ε²)·Σ|xᵢ| instead
/// of O(N ε)·Σ|xᵢ|. Used where cancellation matters and to check fast sums (Higham, *Accuracy
/// and Stability of Numerical Algorithms*, §4.3).
public struct CompensatedSum: Sendable {
    private var sum = 0.0
    private var compensation = 0.0

    public init() {}

    public var value: Double { sum + compensation }

    public mutating func add(_ x: Double) {
        let t = sum + x
        if abs(sum) >= abs(x) { compensation += (sum - t) + x } else { compensation += (x - t) + sum }
        sum = t
    }

    /// Adds a·b exactly split into its rounded product and the product's rounding error (TwoProduct
    /// by fused multiply–add), so dot products reach twice the working precision (Ogita–Rump–Oishi).
    public mutating func addProduct(_ a: Double, _ b: Double) {
        let p = a * b
        add(p)
        add((-p).addingProduct(a, b))
    }
}
