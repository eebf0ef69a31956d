import Estimators
import NumericsCore
import Testing
import TestSupport

/// Paramixer's sparse factor chains (arXiv 2204.10670).
@Suite("Paramixer factors")
struct ParamixerTests {
    static let powers = [2, 4, 8, 16, 32, 64, 128]

    @Test("the Boolean product of the M = log₂N patterns is full for N = 2^k",
          arguments: ParamixerPattern.allCases)
    func patternProductIsFull(pattern: ParamixerPattern) {
        for n in Self.powers {
            let m = ParamixerPattern.factorCount(tokens: n)
            #expect(pattern.reachability(tokens: n, factors: m).allSatisfy { $0 }, "\(pattern), N = \(n)")
        }
    }

    @Test("one factor fewer than log₂N does not mix fully with CHORD (negative control)")
    func chordNeedsAllFactors() {
        for n in [8, 16, 64] {
            let m = ParamixerPattern.factorCount(tokens: n)
            #expect(!ParamixerPattern.chord.reachability(tokens: n, factors: m - 1).allSatisfy { $0 }, "N = \(n)")
        }
    }

    @Test("nonzero counts equal the formulas: CHORD N(⌈log₂N⌉+1), CDIL N·min(9, N/2^m)")
    func nonzeroCountsEqualFormulas() {
        for n in Self.powers + [256] {
            let chain = ParamixerFactors(pattern: .cdil, tokens: n, factors: ParamixerPattern.factorCount(tokens: n))
            for m in 0..<chain.factorCount {
                #expect(chain.nonzeros[m] == n * min(9, n >> m), "CDIL N = \(n), factor \(m)")
                #expect(ParamixerPattern.cdil.nonzeroFormula(factor: m, tokens: n) == chain.nonzeros[m])
            }
            #expect(ParamixerPattern.chord.nonzeros(factor: 0, tokens: n) == n * (ParamixerPattern.factorCount(tokens: n) + 1))
        }
        for n in [3, 6, 10, 100] {   // CHORD's count holds for any N
            var log2 = 0
            while (1 << log2) < n { log2 += 1 }
            #expect(ParamixerPattern.chord.nonzeros(factor: 0, tokens: n) == n * (log2 + 1), "CHORD N = \(n)")
        }
        #expect(ParamixerPattern.cdil.nonzeroFormula(factor: 0, tokens: 1024) == 9 * 1024)
    }

    @Test("with random MLP weights the factor product has numerical rank N (QKᵀ has rank ≤ d)",
          arguments: ParamixerPattern.allCases)
    func randomProductHasFullRank(pattern: ParamixerPattern) throws {
        let n = 64, d = 4
        var x = Matrix(rows: n, columns: d)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 6_100, purpose: .configuration).fillGaussian($0) }
        let chain = ParamixerFactors.randomMLP(pattern: pattern, tokens: x, factors: ParamixerPattern.factorCount(tokens: n),
                                               stream: RandomStream(seed: 6_101, purpose: .modelParameters))
        let product = chain.denseProduct()
        #expect(try SingularValueDecomposition.numericalRank(product) == n)
        #expect(try SingularValueDecomposition.numericalRank(BLAS.product(x, x, transposeB: true)) <= d)
        // The O(nnz) application agrees with the dense product.
        let v = BLAS.product(x, Matrix.identity(d))
        let applied = chain.apply(v), dense = BLAS.product(product, v)
        #expect(zip(applied.elements, dense.elements).map { abs($0 - $1) }.max()! < 1e-10)
    }

    @Test("the least-squares fit's error does not increase with the factor count and is exact for a factor's own pattern")
    func fittedErrorIsMonotone() {
        let n = 32
        var x = Matrix(rows: n, columns: 4)
        x.elements.withUnsafeMutableBufferPointer { RandomStream(seed: 6_200, purpose: .configuration).fillGaussian($0, scale: 0.7) }
        let inputs = AttentionInputs(queries: x, keys: x, values: x, beta: 1, normalization: .softmax)
        let target = ParamixerAttention.attentionMatrix(inputs)
        var errors: [Double] = []
        for f in 1...8 {
            let product = ParamixerFactors.fitted(pattern: .chord, target: target, factors: f).denseProduct()
            errors.append(frobenius(product, minus: target) / frobenius(target, minus: nil))
        }
        #expect(zip(errors, errors.dropFirst()).allSatisfy { $1 <= $0 * (1 + 1e-12) }, "\(errors)")
        #expect(errors.last! < errors.first!, "\(errors)")
        // A target that is itself I + W for one CHORD factor is fitted exactly by one factor.
        let random = ParamixerFactors.randomMLP(pattern: .chord, tokens: x, factors: 1, stream: RandomStream(seed: 6_201, purpose: .modelParameters))
        let own = random.denseProduct()
        let fit = ParamixerFactors.fitted(pattern: .chord, target: own, factors: 1).denseProduct()
        #expect(frobenius(fit, minus: own) < 1e-8 * frobenius(own, minus: nil))
    }
}
