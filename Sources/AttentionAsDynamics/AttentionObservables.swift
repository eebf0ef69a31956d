import Foundation

/// Observables of a token configuration X (N×d, row-major) on the sphere. All are
/// O(N²·d) and allocate O(N) at most.
public enum AttentionObservables {
    /// Interaction energy E_β(X) = (1/(2βN²)) Σ_{i,j} e^{β⟨xᵢ,xⱼ⟩}, nondecreasing along SA and USA
    /// on the sphere with V = I (USA is its projected gradient ascent, Ẋ = N∇E_β). For β = 0 the
    /// limit (1/(2N²)) Σ_{i,j} ⟨xᵢ,xⱼ⟩ + const is returned without the constant 1/(2β).
    public static func energy(_ x: [Double], tokens n: Int, dimension d: Int, beta: Double) -> Double {
        var total = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let g = innerProduct(x, i, j, dimension: d)
                total += beta == 0 ? g : exp(beta * g)
            }
        }
        return beta == 0 ? total / (2 * Double(n * n)) : total / (2 * beta * Double(n * n))
    }

    /// min_{i≠j} ⟨xᵢ,xⱼ⟩ and the mean over i ≠ j: both rise to 1 as tokens cluster into one point.
    public static func pairwiseInnerProducts(_ x: [Double], tokens n: Int, dimension d: Int) -> (minimum: Double, mean: Double) {
        var minimum = Double.infinity, sum = 0.0
        for i in 0..<n {
            for j in (i + 1)..<n {
                let g = innerProduct(x, i, j, dimension: d)
                minimum = min(minimum, g)
                sum += g
            }
        }
        return (minimum, sum / Double(n * (n - 1) / 2))
    }

    /// Default linkage threshold ε of ``clusterCount(_:tokens:dimension:threshold:)``.
    public static let defaultClusterThreshold = 1e-2

    /// Number of clusters: tokens i and j are linked when ⟨xᵢ,xⱼ⟩ ≥ 1 − ε (unit tokens; ε = 10⁻²
    /// links angles below ≈ 8.1°), and clusters are the connected components of that graph
    /// (single linkage, by union–find).
    public static func clusterCount(_ x: [Double], tokens n: Int, dimension d: Int,
                                    threshold epsilon: Double = defaultClusterThreshold) -> Int {
        var parent = Array(0..<n)
        func root(_ i: Int) -> Int {
            var r = i
            while parent[r] != r { parent[r] = parent[parent[r]]; r = parent[r] }
            return r
        }
        var clusters = n
        for i in 0..<n {
            for j in (i + 1)..<n where innerProduct(x, i, j, dimension: d) >= 1 - epsilon {
                let a = root(i), b = root(j)
                if a != b { parent[a] = b; clusters -= 1 }
            }
        }
        return clusters
    }

    /// max_{i≠j} |⟨xᵢ,xⱼ⟩ − γ|: distance of all pairwise inner products from the large-d curve
    /// value γ(t) (``LargeDimensionCurve``).
    public static func distanceToCurve(_ x: [Double], tokens n: Int, dimension d: Int, gamma: Double) -> Double {
        var worst = 0.0
        for i in 0..<n { for j in (i + 1)..<n { worst = max(worst, abs(innerProduct(x, i, j, dimension: d) - gamma)) } }
        return worst
    }

    /// Second moment of the mean token, ‖(1/N) Σᵢ xᵢ‖² = (1/N²) Σ_{i,j} ⟨xᵢ,xⱼ⟩: an O(N·d) order
    /// parameter (1 when all unit tokens coincide), used as the weak-error observable.
    public static func meanTokenNormSquared(_ x: [Double], tokens n: Int, dimension d: Int) -> Double {
        var total = 0.0
        for c in 0..<d {
            var s = 0.0
            for i in 0..<n { s += x[i * d + c] }
            total += s * s
        }
        return total / Double(n * n)
    }

    @inline(__always)
    static func innerProduct(_ x: [Double], _ i: Int, _ j: Int, dimension d: Int) -> Double {
        var s = 0.0
        for c in 0..<d { s += x[i * d + c] * x[j * d + c] }
        return s
    }
}
