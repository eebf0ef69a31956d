/// The unit sphere S^{d−1} as the state space of normalised tokens (layer norm idealised as a
/// projection; Geshkovski–Letrouit–Polyanskiy–Rigollet, arXiv 2312.10794).
public enum Sphere {
    /// xᵢ ← xᵢ/‖xᵢ‖ for every row (rows of zero norm are left as they are). O(N·d).
    public static func normalizeRows(_ x: inout [Double], dimension d: Int) {
        x.withUnsafeMutableBufferPointer { normalizeRows($0, dimension: d) }
    }

    public static func normalizeRows(_ x: UnsafeMutableBufferPointer<Double>, dimension d: Int) {
        for i in 0..<(x.count / d) {
            var norm = 0.0
            for c in 0..<d { norm += x[i * d + c] * x[i * d + c] }
            norm = norm.squareRoot()
            if norm > 0 { for c in 0..<d { x[i * d + c] /= norm } }
        }
    }

    /// yᵢ ← P⊥_{xᵢ} yᵢ = yᵢ − ⟨xᵢ,yᵢ⟩xᵢ for every row (tangent projection at unit xᵢ). O(N·d).
    public static func projectToTangent(_ y: UnsafeMutableBufferPointer<Double>, at x: UnsafeBufferPointer<Double>,
                                        dimension d: Int) {
        for i in 0..<(x.count / d) {
            var dot = 0.0
            for c in 0..<d { dot += x[i * d + c] * y[i * d + c] }
            for c in 0..<d { y[i * d + c] -= dot * x[i * d + c] }
        }
    }
}
