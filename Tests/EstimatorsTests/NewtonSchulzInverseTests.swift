import Estimators
import NumericsCore
import Testing

/// SOFT's Newton–Schulz inverse: E_{k+1} = E_k² for E_k = I − V_k P.
@Suite("Newton–Schulz inverse")
struct NewtonSchulzInverseTests {
    /// A well-conditioned Gaussian kernel matrix: 12 landmarks in ℝ⁴ with spread 1.5.
    static func wellConditionedKernel() -> Matrix {
        var x = Matrix(rows: 12, columns: 4)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 9_001, purpose: .configuration).fillGaussian($0, scale: 1.5) }
        return SoftAttention.kernel(x, x, beta: 1)
    }

    @Test("the Newton–Schulz residual ‖I − V_k P‖₂ squares each iteration on well-conditioned input")
    func residualSquaresEachIteration() throws {
        let k = Self.wellConditionedKernel()
        let solver = NewtonSchulzInverse(iterations: 25, ridge: 0.01)
        let (inverse, residuals) = solver.run(k, recordResiduals: true)
        #expect(residuals[0] < 1, "‖E₀‖ = \(residuals[0])")
        var checked = 0
        for step in 0..<(residuals.count - 1) where residuals[step] > 1e-4 {
            let ratio = residuals[step + 1] / (residuals[step] * residuals[step])
            #expect(abs(ratio - 1) < 1e-6, "step \(step): ‖E_{k+1}‖/‖E_k‖² = \(ratio), residuals \(residuals)")
            checked += 1
        }
        #expect(checked >= 3, "only \(checked) iterations above 1e-4: \(residuals)")
        // The result inverts P = K + ρI.
        var p = k
        for i in 0..<p.rows { p[i, i] += 0.01 }
        let product = BLAS.product(inverse, p)
        let identityError = (0..<p.rows).flatMap { i in (0..<p.rows).map { j in abs(product[i, j] - (i == j ? 1 : 0)) } }.max()!
        #expect(identityError < 1e-10, "‖V P − I‖_max = \(identityError), residuals \(residuals)")
    }

    @Test("twenty iterations leave a large error when cond(P) is large, the SVD pseudo-inverse does not")
    func newtonSchulzStallsOnIllConditionedInput() throws {
        var x = Matrix(rows: 32, columns: 2)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 9_002, purpose: .configuration).fillGaussian($0, scale: 0.3) }
        let k = SoftAttention.kernel(x, x, beta: 1)
        var p = k
        for i in 0..<p.rows { p[i, i] += 1e-3 }
        let condition = try SingularValueDecomposition(p, computeVectors: false).values
        #expect(condition.first! / condition.last! > 1e2)
        let (_, residuals) = NewtonSchulzInverse(iterations: 20, ridge: 1e-3).run(k, recordResiduals: true)
        #expect(residuals.last! > 0.1, "residual after 20 iterations \(residuals.last!)")
        let exact = try SingularValueDecomposition.pseudoInverse(p)
        let product = BLAS.product(exact, p)
        let error = (0..<p.rows).map { abs(product[$0, $0] - 1) }.max()!
        #expect(error < 1e-8)
    }
}
