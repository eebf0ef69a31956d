import Testing
import NumericsCore

@Suite("WeightedLinearFit")
struct WeightedLinearFitTests {
    @Test("weighted line fit recovers an exact line")
    func exactLine() throws {
        let x = [0.0, 1, 2, 3, 4], y = x.map { 1.5 - 0.25 * $0 }
        let fit = try WeightedLinearFit(x: x, y: y, weights: [1, 2, 3, 4, 5])
        #expect(abs(fit.intercept - 1.5) < 1e-12)
        #expect(abs(fit.slope + 0.25) < 1e-12)
        #expect(fit.chiSquared < 1e-24)
        #expect(fit.residuals.allSatisfy { abs($0) < 1e-12 })
    }

    @Test("weighted line fit covariance is (XᵀWX)⁻¹ unscaled and χ² is Σ w r²")
    func closedForm() throws {
        let x = [0.0, 1, 2, 3, 4, 6], y = [1.0, 2.5, 2.9, 4.2, 4.8, 7.5], w = [1.0, 0.5, 2, 1, 4, 0.25]
        let fit = try WeightedLinearFit(x: x, y: y, weights: w)
        let s = w.reduce(0, +)
        let sx = zip(w, x).map { $0 * $1 }.reduce(0, +)
        let sxx = zip(w, x).map { $0 * $1 * $1 }.reduce(0, +)
        let det = s * sxx - sx * sx
        #expect(abs(fit.cov00 - sxx / det) < 1e-12)
        #expect(abs(fit.cov01 + sx / det) < 1e-12)
        #expect(abs(fit.cov11 - s / det) < 1e-12)
        let chi2 = (0..<x.count).map { w[$0] * fit.residuals[$0] * fit.residuals[$0] }.reduce(0, +)
        #expect(abs(fit.chiSquared - chi2) < 1e-12 * max(1, chi2))
        #expect(abs(fit.slopeStandardError - (s / det).squareRoot()) < 1e-12)
    }

    @Test("weighted line fit throws with fewer than two points")
    func tooFewPoints() {
        #expect(throws: FitInputError.self) { try WeightedLinearFit(x: [1], y: [2], weights: [1]) }
        #expect(throws: FitInputError.self) { try WeightedLinearFit(x: [1, 2, 3], y: [2, 3, 4], weights: [1, 0, 0]) }
    }

    @Test("weighted line fit throws when all abscissae are equal")
    func degenerate() {
        #expect(throws: NumericalLibraryError.self) { try WeightedLinearFit(x: [2, 2, 2], y: [1, 2, 3], weights: [1, 1, 1]) }
    }
}
