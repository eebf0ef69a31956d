/// The observable f of the weak error E f(X̃(T)) − E f(X(T)), evaluated on the whole state
/// (row-major N×d positions).
public struct WeakObservable: Sendable {
    /// One line saying what f is, printed in reports.
    public let description: String
    /// f(X) for positions X (N·d numbers), N particles, dimension d.
    public let evaluate: @Sendable (_ positions: [Double], _ particles: Int, _ dimension: Int) -> Double

    public init(description: String, evaluate: @escaping @Sendable (_ positions: [Double], _ particles: Int, _ dimension: Int) -> Double) {
        self.description = description
        self.evaluate = evaluate
    }

    /// f(X) = (1/N) Σᵢ ‖Xᵢ‖², the second moment of the empirical measure (the default).
    public static let secondMoment = WeakObservable(
        description: "f(X) = (1/N) Σᵢ ‖Xᵢ(T)‖² (second moment of the empirical measure)",
        evaluate: { x, n, _ in ConvergenceStudy.secondMoment(x, particles: n) })
}
