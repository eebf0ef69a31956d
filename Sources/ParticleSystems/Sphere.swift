/// The unit sphere S^{d−1} as a state space: of normalised tokens (layer norm idealised as a
/// projection; Geshkovski–Letrouit–Polyanskiy–Rigollet, arXiv 2312.10794) and of the Thomson
/// problem's charges (``ReferenceProblem/thomson``).
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

    /// yᵢ ← yᵢ − (⟨xᵢ,yᵢ⟩/‖xᵢ‖²)xᵢ for every row: the part of yᵢ orthogonal to xᵢ, for xᵢ of any
    /// non-zero norm (rows with xᵢ = 0 are left as they are). A flow ẋᵢ = (this projection of
    /// any field) keeps every ‖xᵢ‖ constant exactly, so an adaptive integrator whose stages
    /// leave the sphere slightly still integrates a norm-preserving flow. O(N·d).
    public static func removeRadialComponent(_ y: UnsafeMutableBufferPointer<Double>, at x: UnsafeBufferPointer<Double>,
                                             dimension d: Int) {
        for i in 0..<(x.count / d) {
            var dot = 0.0, norm2 = 0.0
            for c in 0..<d { dot += x[i * d + c] * y[i * d + c]; norm2 += x[i * d + c] * x[i * d + c] }
            guard norm2 > 0 else { continue }
            let scale = dot / norm2
            for c in 0..<d { y[i * d + c] -= scale * x[i * d + c] }
        }
    }
}
