import Estimators
import NumericsCore
import Testing
import TestSupport

/// SOFT's Nyström approximation of the Gaussian kernel (arXiv 2110.11945).
@Suite("SOFT Nyström approximation")
struct SoftAttentionTests {
    static let tokens = 64, dimension = 4

    /// Gaussian tokens (scale 0.6) as queries, keys and values; β = 1.
    static func inputs(seed: UInt64 = 5_501) -> AttentionInputs {
        var x = Matrix(rows: tokens, columns: dimension)
        x.elements.withUnsafeMutableBufferPointer {
            RandomStream(seed: seed, purpose: .configuration).fillGaussian($0, scale: 0.6)
        }
        return AttentionInputs(queries: x, keys: x, values: x, beta: 1, normalization: .softmax)
    }

    static let svd = SoftAttention.Inverse.pseudoInverse(relativeCutoff: nil)
    /// A fresh stream per use: a stream is mutable state, and the tests run concurrently, so each
    /// draws from its own (the same keyed sequence in every test, whatever the order).
    static var stream: RandomStream { RandomStream(seed: 7, purpose: .estimatorDraws) }

    @Test("S − Ŝ is positive semidefinite with the exact pseudo-inverse",
          arguments: [(LandmarkSelection.segmentMeans, 8), (.strided, 8), (.uniformSubset, 12), (.segmentMeans, 24)])
    func schurComplementIsPositiveSemidefinite(selection: LandmarkSelection, landmarks: Int) throws {
        let inputs = Self.inputs()
        let soft = SoftAttention(landmarks: landmarks, selection: selection, inverse: Self.svd)
        let s = SoftAttention.kernel(inputs.queries, inputs.queries, beta: 1)
        let sHat = soft.approximateKernel(inputs, stream: Self.stream)
        var difference = s
        for e in difference.elements.indices { difference.elements[e] -= sHat.elements[e] }
        for i in 0..<Self.tokens { for j in 0..<i { difference[i, j] = difference[j, i] } }
        let smallest = try SymmetricEigen.smallestEigenvalue(difference)
        #expect(smallest >= -1e-9, "λ_min(S − Ŝ) = \(smallest)")
        // Not trivially zero: the approximation leaves a positive remainder.
        let largest = try SymmetricEigen(difference, computeVectors: false).values.last!
        #expect(largest > 1e-6, "λ_max(S − Ŝ) = \(largest)")
    }

    @Test("Nyström is exact when the landmarks are the tokens",
          arguments: [LandmarkSelection.segmentMeans, .strided, .uniformSubset])
    func nystromIsExactWhenLandmarksAreTokens(selection: LandmarkSelection) {
        let inputs = Self.inputs()
        let soft = SoftAttention(landmarks: Self.tokens, selection: selection, inverse: Self.svd)
        let sHat = soft.approximateKernel(inputs, stream: Self.stream)
        let s = SoftAttention.kernel(inputs.queries, inputs.queries, beta: 1)
        let worst = zip(s.elements, sHat.elements).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-7, "max |S − Ŝ| = \(worst)")
        let output = soft.estimate(inputs, stream: Self.stream)
        let target = soft.exactTarget(inputs)
        let relative = frobenius(output, minus: target) / frobenius(target, minus: nil)
        #expect(relative < 1e-7, "relative output error \(relative)")
    }

    @Test("Ŝ reproduces the rows of S at tokens that are landmarks (strided selection)")
    func nystromIsExactOnLandmarkRows() {
        let inputs = Self.inputs()
        let m = 16
        let soft = SoftAttention(landmarks: m, selection: .strided, inverse: Self.svd)
        let sHat = soft.approximateKernel(inputs, stream: Self.stream)
        let s = SoftAttention.kernel(inputs.queries, inputs.queries, beta: 1)
        let rows = LandmarkSelection.strided.indices(rows: Self.tokens, count: m, stream: Self.stream)!
        var onLandmarks = 0.0, elsewhere = 0.0
        for i in 0..<Self.tokens {
            for j in 0..<Self.tokens {
                let e = abs(s[i, j] - sHat[i, j])
                if rows.contains(i) { onLandmarks = max(onLandmarks, e) } else { elsewhere = max(elsewhere, e) }
            }
        }
        #expect(onLandmarks < 1e-8, "landmark rows: \(onLandmarks)")
        #expect(elsewhere > 1e-4, "other rows are approximated, not exact: \(elsewhere)")
    }

    @Test("SOFT's relative output error decreases in the number of landmarks (exact pseudo-inverse)")
    func errorDecreasesWithLandmarks() {
        let inputs = Self.inputs()
        let errors = [2, 4, 8, 16, 32].map { m -> Double in
            let soft = SoftAttention(landmarks: m, inverse: Self.svd)
            let target = soft.exactTarget(inputs)
            return frobenius(soft.estimate(inputs, stream: Self.stream), minus: target) / frobenius(target, minus: nil)
        }
        #expect(zip(errors, errors.dropFirst()).allSatisfy { $1 < $0 }, "\(errors)")
    }
}

