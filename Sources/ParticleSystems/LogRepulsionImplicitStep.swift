import Foundation

/// The backward-Euler (implicit) step of the one-dimensional log-gas repulsion, solved as a convex
/// minimisation on the ordered cone (Weyl chamber) W = {x₁ < x₂ < … < x_m}:
///
///     x⁺ = argmin_{x ∈ W} Φ(x),   Φ(x) = ½‖x − y‖² − a Σ_{i<j} log(x_j − x_i),
///
/// whose stationarity condition is x⁺ᵢ = yᵢ + a Σ_{j≠i} 1/(x⁺ᵢ − x⁺ⱼ), i.e. one implicit Euler step
/// of ẋᵢ = c·w Σ_{j≠i} 1/(xᵢ − xⱼ) from the explicit prediction y, with a = h·c·w (step h, kernel
/// strength c, weight w). Φ is strictly convex on W (a quadratic plus a log barrier) and tends to
/// +∞ at its boundary and at infinity, so the minimiser exists, is unique and lies strictly inside W:
/// **the step keeps the order of the group by construction, whatever y is** (y itself may be
/// unordered after the noise). The chamber is the order of the positions before the step.
///
/// **Pairs** (a batch of two) in closed form: the midpoint of y is kept and the gap solves
/// g⁺ = g + 2a/g⁺, so g⁺ = (g + √(g² + 8a))/2 = 4a/(√(g² + 8a) − g) (the second form for g < 0,
/// without cancellation), with g = y₂ − y₁ of either sign.
///
/// **Larger groups** by damped Newton. Φ is self-concordant with constant M = 2/√a (each
/// −a·log term is; the quadratic adds none), so the damped step x ← x + Δ/(1 + λ/√a), with Δ the
/// Newton direction and λ = √(Δᵀ∇²ΦΔ) the Newton decrement, stays inside W and decreases Φ
/// (Nesterov, Lectures on Convex Optimization, 2nd ed., §5.1.4); while λ/√a > ¼ a longer step
/// (from the full one, halved) is accepted first when it stays in W and passes Armijo's test, and
/// the start is y when ordered, else the projection of y onto the cone with its ties spread by
/// √(2a) (see ``startingPoint(start:targets:coefficient:into:workspace:)``); once λ/√a ≤ ¼ full
/// steps converge quadratically, and the iteration stops when the
/// decrement predicted for the next step, λ²/√a/(1 − λ/√a)², is below 10⁻¹²·max(1, ‖x‖_∞) (a bound
/// on the distance to the minimiser in the Hessian norm, which dominates the Euclidean one). The
/// Newton system with the Hessian I + a·L (L the Laplacian of the complete graph with weights
/// 1/(xᵢ − xⱼ)²) is solved by Cholesky for m ≤ 16 (O(m³/6)) and by conjugate gradients preconditioned
/// with its tridiagonal part above (O(m²) per CG iteration, a few at small h); plus O(m²) for the
/// gradient; two or three Newton iterations from the starting point at small h. A defensive check halves a step that would leave W in floating
/// point.
///
/// This is the drift-implicit treatment of the singular interaction used to keep Dyson Brownian
/// motion's eigenvalues ordered at any step size; explicit (tamed) Euler schemes are stable only
/// for steps O(1/N²) (Li–Menon, arXiv 1306.1179).
public enum LogRepulsionImplicitStep {
    /// The gap after the implicit pair step, g⁺ = (g + √(g² + 8a))/2 > 0, from the explicit gap g
    /// (any sign) and a = h·c·w > 0. O(1).
    @inline(__always)
    public static func pairGap(explicitGap g: Double, coefficient a: Double) -> Double {
        let s = (g * g + 8 * a).squareRoot()
        return g >= 0 ? 0.5 * (g + s) : 4 * a / (s - g)
    }

    /// Most Newton iterations before the solve is reported as failed.
    public static let maximumIterations = 200

    /// Solves the step for one group of m = `y.count` particles, listed in the order of the chamber
    /// (increasing positions before the step): `start` is a strictly increasing point of W (the
    /// positions before the step), `y` the explicit predictions in the same order, `a` the coefficient.
    /// Writes the minimiser, strictly increasing, into `x`. Returns false when Newton did not converge
    /// in ``maximumIterations`` (x then holds the last iterate, still in W).
    /// Allocates nothing beyond the workspace's growth to m.
    /// `pairInClosedForm: false` solves a pair by Newton too (for checking the closed form).
    public static func solve(start: UnsafeBufferPointer<Double>, targets y: UnsafeBufferPointer<Double>, coefficient a: Double,
                             into x: UnsafeMutableBufferPointer<Double>, workspace: LogRepulsionWorkspace,
                             pairInClosedForm: Bool = true) -> Bool {
        let m = y.count
        precondition(start.count == m && x.count == m, "implicit repulsion: \(start.count) start, \(m) targets, \(x.count) outputs")
        if m == 1 { x[0] = y[0]; return true }
        if m == 2 && pairInClosedForm {
            let centre = 0.5 * (y[0] + y[1]), half = 0.5 * pairGap(explicitGap: y[1] - y[0], coefficient: a)
            x[0] = centre - half
            x[1] = centre + half
            return x[0] < x[1]
        }
        workspace.reserve(m)
        let rootA = a.squareRoot()
        startingPoint(start: start, targets: y, coefficient: a, into: x, workspace: workspace)
        let g = workspace.gradient, h = workspace.hessian, delta = workspace.direction, previous = workspace.previous
        for _ in 0..<maximumIterations {
            // Gradient and Hessian H = I + a·L.
            for i in 0..<m { g[i] = x[i] - y[i] }
            if m <= Self.choleskyMaximumGroup {
                // Lower triangle, row-major m×m, for the Cholesky factorisation.
                for i in 0..<m { h[i * m + i] = 1 }
                for i in 0..<m {
                    let xi = x[i]
                    for j in (i + 1)..<m {
                        let r = 1 / (x[j] - xi), ar = a * r
                        g[i] += ar
                        g[j] -= ar
                        let w = ar * r
                        h[i * m + i] += w
                        h[j * m + j] += w
                        h[j * m + i] = -w
                    }
                }
                choleskyFactorInPlace(h, m)
                for i in 0..<m { delta[i] = -g[i] }
                choleskySolveInPlace(h, m, delta)
            } else {
                // Full symmetric off-diagonal part in `h` (zero diagonal), the diagonal apart.
                let diagonal = workspace.diagonal
                for i in 0..<m { diagonal[i] = 1; h[i * m + i] = 0 }
                for i in 0..<m {
                    let xi = x[i]
                    for j in (i + 1)..<m {
                        let r = 1 / (x[j] - xi), ar = a * r
                        g[i] += ar
                        g[j] -= ar
                        let w = ar * r
                        diagonal[i] += w
                        diagonal[j] += w
                        h[j * m + i] = -w
                        h[i * m + j] = -w
                    }
                }
                conjugateGradient(m, workspace: workspace)
            }
            var decrement2 = 0.0
            for i in 0..<m { decrement2 -= g[i] * delta[i] }
            let lambda = max(0, decrement2).squareRoot(), scaled = lambda / rootA
            // The damped step 1/(1 + λ/√a) is guaranteed; far from the minimiser (λ/√a > ¼) a
            // longer step is tried first, backtracking while it leaves W or fails Armijo.
            let damped = scaled > 0.25 ? 1 / (1 + scaled) : 1
            var scaleMax = 1.0
            for i in 0..<m { previous[i] = x[i]; scaleMax = max(scaleMax, abs(x[i])) }
            let current = damped < 1 ? objective(previous, targets: y, coefficient: a, count: m) : 0
            var scale = 1.0
            while true {
                if scale < damped { scale = damped }
                for i in 0..<m { x[i] = previous[i] + scale * delta[i] }
                var inside = true
                for i in 1..<m where !(x[i - 1] < x[i]) { inside = false; break }
                if scale == damped {
                    if inside { break }
                    // Only rounding can leave W on the damped step: halve it.
                    var shorter = scale
                    repeat {
                        shorter *= 0.5
                        for i in 0..<m { x[i] = previous[i] + shorter * delta[i] }
                        inside = true
                        for i in 1..<m where !(x[i - 1] < x[i]) { inside = false; break }
                    } while !inside && shorter > 1e-30
                    if !inside { for i in 0..<m { x[i] = previous[i] }; return false }
                    scale = shorter
                    break
                }
                if inside && objective(x, targets: y, coefficient: a, count: m) <= current - 1e-4 * scale * decrement2 { break }
                scale *= 0.5
            }
            if scale == 1 && scaled < 1 {
                let next = lambda * scaled / ((1 - scaled) * (1 - scaled))
                if next <= 1e-12 * scaleMax { return true }
            }
            if lambda <= 1e-15 * scaleMax { return true }
        }
        return false
    }

    /// Φ(x) = ½‖x − y‖² − a Σ_{i<j} log(x_j − x_i) for x strictly increasing. O(m²) logarithms.
    static func objective(_ x: UnsafeMutablePointer<Double>, targets y: UnsafeBufferPointer<Double>, coefficient a: Double, count m: Int) -> Double {
        var quadratic = 0.0, barrier = 0.0
        for i in 0..<m {
            let e = x[i] - y[i]
            quadratic += e * e
            for j in (i + 1)..<m { barrier += log(x[j] - x[i]) }
        }
        return 0.5 * quadratic - a * barrier
    }

    static func objective(_ x: UnsafeMutableBufferPointer<Double>, targets y: UnsafeBufferPointer<Double>, coefficient a: Double, count m: Int) -> Double {
        objective(x.baseAddress!, targets: y, coefficient: a, count: m)
    }

    /// A strictly increasing starting point: y itself when it is ordered (the first Newton step is
    /// then the explicit predictor y + a·Σ1/(yᵢ − yⱼ) to first order); otherwise the projection of y
    /// onto the closed cone (pool-adjacent-violators: blocks of tied means) with each block of k
    /// points spread symmetrically at spacing min(√(2a), gaps to the neighbouring blocks/(k+1)),
    /// the scale of the minimiser near a tie, when that is strictly ordered and has the lower Φ
    /// than the positions before the step; else those positions (always in W). O(m²).
    static func startingPoint(start: UnsafeBufferPointer<Double>, targets y: UnsafeBufferPointer<Double>, coefficient a: Double,
                              into x: UnsafeMutableBufferPointer<Double>, workspace: LogRepulsionWorkspace) {
        let m = y.count
        var ordered = true
        for i in 1..<m where !(y[i - 1] < y[i]) { ordered = false; break }
        if ordered { for i in 0..<m { x[i] = y[i] }; return }
        // Pool-adjacent-violators on y: block b covers [begin[b], begin[b+1]) with mean value[b].
        let value = workspace.search, weight = workspace.product, begin = workspace.residual
        var blocks = 0
        for i in 0..<m {
            value[blocks] = y[i]; weight[blocks] = 1; begin[blocks] = Double(i)
            blocks += 1
            while blocks > 1 && value[blocks - 2] >= value[blocks - 1] {
                let w = weight[blocks - 2] + weight[blocks - 1]
                value[blocks - 2] = (weight[blocks - 2] * value[blocks - 2] + weight[blocks - 1] * value[blocks - 1]) / w
                weight[blocks - 2] = w
                blocks -= 1
            }
        }
        let spacing = (2 * a).squareRoot()
        for b in 0..<blocks {
            let first = Int(begin[b]), k = Int(weight[b])
            let below = b > 0 ? value[b] - value[b - 1] : Double.infinity
            let above = b + 1 < blocks ? value[b + 1] - value[b] : Double.infinity
            let step = min(spacing, min(below, above) / Double(k + 1))
            for j in 0..<k { x[first + j] = value[b] + (Double(j) - 0.5 * Double(k - 1)) * step }
        }
        var inside = true
        for i in 1..<m where !(x[i - 1] < x[i]) { inside = false; break }
        let before = workspace.previous
        for i in 0..<m { before[i] = start[i] }
        if !inside || objective(x, targets: y, coefficient: a, count: m) > objective(before, targets: y, coefficient: a, count: m) {
            for i in 0..<m { x[i] = start[i] }
        }
    }

    /// Groups up to this size are solved by Cholesky; larger ones by conjugate gradients.
    static let choleskyMaximumGroup = 16

    /// direction ← −H⁻¹·gradient by conjugate gradients, H = diag + off-diagonal part (`hessian`,
    /// full symmetric, zero diagonal), preconditioned by H's tridiagonal part (nearest neighbours
    /// carry most of the weight 1/(xᵢ − xⱼ)²), solved by the Thomas algorithm (H is diagonally
    /// dominant, so is its tridiagonal part, and no pivoting is needed). Stops at
    /// ‖residual‖_∞ ≤ 10⁻¹⁰·‖gradient‖_∞ (an inexact Newton direction: the forcing term 10⁻¹⁰ keeps
    /// Newton's convergence quadratic down to the stopping tolerance) or after m + 10 iterations (CG is exact in m steps in exact
    /// arithmetic). O(m²) per iteration (one matrix–vector product as column updates); H − I has
    /// norm a·O(N²) at close gaps but the preconditioned system is well conditioned, so a few
    /// iterations suffice at small steps.
    static func conjugateGradient(_ m: Int, workspace: LogRepulsionWorkspace) {
        let h = workspace.hessian, diagonal = workspace.diagonal, g = workspace.gradient, delta = workspace.direction
        let r = workspace.residual, z = workspace.preconditioned, p = workspace.search, q = workspace.product
        let lower = workspace.thomasLower, pivot = workspace.thomasPivot
        // Thomas factorisation of the tridiagonal part: pivots dᵢ = Hᵢᵢ − Hᵢ,ᵢ₋₁²/dᵢ₋₁.
        // `pivot` holds 1/dᵢ, so the substitutions multiply instead of dividing.
        pivot[0] = 1 / diagonal[0]
        for i in 1..<m {
            let e = h[i * m + i - 1]
            lower[i] = e * pivot[i - 1]
            pivot[i] = 1 / (diagonal[i] - lower[i] * e)
        }
        func precondition(_ source: UnsafeMutablePointer<Double>, into out: UnsafeMutablePointer<Double>) {
            out[0] = source[0]
            for i in 1..<m { out[i] = source[i] - lower[i] * out[i - 1] }
            out[m - 1] *= pivot[m - 1]
            for i in stride(from: m - 2, through: 0, by: -1) { out[i] = (out[i] - h[(i + 1) * m + i] * out[i + 1]) * pivot[i] }
        }
        var scale = 0.0
        for i in 0..<m { delta[i] = 0; r[i] = -g[i]; scale = max(scale, abs(g[i])) }
        guard scale > 0 else { return }
        precondition(r, into: z)
        var rz = 0.0
        for i in 0..<m { p[i] = z[i]; rz += r[i] * z[i] }
        for _ in 0..<(m + 10) {
            for i in 0..<m { q[i] = diagonal[i] * p[i] }
            for j in 0..<m {
                let column = h + j * m, pj = p[j]
                for i in 0..<m { q[i] += column[i] * pj }
            }
            var pq = 0.0
            for i in 0..<m { pq += p[i] * q[i] }
            guard pq > 0 else { return }
            let alpha = rz / pq
            var residual = 0.0
            for i in 0..<m {
                delta[i] += alpha * p[i]
                r[i] -= alpha * q[i]
                residual = max(residual, abs(r[i]))
            }
            if residual <= 1e-10 * scale { return }
            precondition(r, into: z)
            var next = 0.0
            for i in 0..<m { next += r[i] * z[i] }
            let beta = next / rz
            rz = next
            for i in 0..<m { p[i] = z[i] + beta * p[i] }
        }
    }

    /// In-place Cholesky factorisation of the lower triangle of an SPD m×m row-major matrix:
    /// L[i][j] = (A[i][j] − Σ_{k<j} L[i][k]·L[j][k]) / L[j][j]. O(m³/6).
    static func choleskyFactorInPlace(_ l: UnsafeMutablePointer<Double>, _ m: Int) {
        for j in 0..<m {
            let rowJ = l + j * m
            var s = rowJ[j]
            for k in 0..<j { s -= rowJ[k] * rowJ[k] }
            let diagonal = s.squareRoot()
            rowJ[j] = diagonal
            let inverse = 1 / diagonal
            for i in (j + 1)..<max(j + 1, m) {
                let rowI = l + i * m
                var t = rowI[j]
                for k in 0..<j { t -= rowI[k] * rowJ[k] }
                rowI[j] = t * inverse
            }
        }
    }

    /// b ← (L·Lᵀ)⁻¹ b with L from ``choleskyFactorInPlace(_:_:)``. O(m²).
    static func choleskySolveInPlace(_ l: UnsafeMutablePointer<Double>, _ m: Int, _ b: UnsafeMutablePointer<Double>) {
        for i in 0..<m {
            let row = l + i * m
            var s = b[i]
            for k in 0..<i { s -= row[k] * b[k] }
            b[i] = s / row[i]
        }
        for i in stride(from: m - 1, through: 0, by: -1) {
            var s = b[i]
            for k in (i + 1)..<max(i + 1, m) { s -= l[k * m + i] * b[k] }
            b[i] = s / l[i * m + i]
        }
    }
}

/// Scratch of ``LogRepulsionImplicitStep`` (gradient, Hessian, Newton direction, previous iterate,
/// conjugate-gradient vectors and the tridiagonal preconditioner's factors) and of the group being
/// solved (start, targets, solution), grown to the largest group seen.
/// Not thread-safe: one per trajectory.
public final class LogRepulsionWorkspace {
    private(set) var capacity = 0
    private var buffers: [UnsafeMutablePointer<Double>] = []

    var gradient: UnsafeMutablePointer<Double> { buffers[0] }
    var hessian: UnsafeMutablePointer<Double> { buffers[1] }
    var direction: UnsafeMutablePointer<Double> { buffers[2] }
    var previous: UnsafeMutablePointer<Double> { buffers[3] }
    var groupStart: UnsafeMutablePointer<Double> { buffers[4] }
    var groupTargets: UnsafeMutablePointer<Double> { buffers[5] }
    var groupSolution: UnsafeMutablePointer<Double> { buffers[6] }
    var diagonal: UnsafeMutablePointer<Double> { buffers[7] }
    var residual: UnsafeMutablePointer<Double> { buffers[8] }
    var preconditioned: UnsafeMutablePointer<Double> { buffers[9] }
    var search: UnsafeMutablePointer<Double> { buffers[10] }
    var product: UnsafeMutablePointer<Double> { buffers[11] }
    var thomasLower: UnsafeMutablePointer<Double> { buffers[12] }
    var thomasPivot: UnsafeMutablePointer<Double> { buffers[13] }

    public init(capacity m: Int = 2) { reserve(max(2, m)) }

    /// Grows every buffer to groups of m particles (the Hessian to m²). O(m²) when it grows.
    func reserve(_ m: Int) {
        guard m > capacity else { return }
        for buffer in buffers { buffer.deallocate() }
        buffers = (0..<14).map { $0 == 1 ? .allocate(capacity: m * m) : .allocate(capacity: m) }
        capacity = m
    }

    deinit { for buffer in buffers { buffer.deallocate() } }
}
