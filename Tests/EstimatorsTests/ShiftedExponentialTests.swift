import CNumerics
import Estimators
import Foundation
import NumericsCore
import Testing

/// The vectorised max-shifted exponential and the estimators that use it, against the scalar `exp`
/// loops they replace: every difference within the bound stated in ``ShiftedExponential``.
@Suite("Vectorised shifted exponential")
struct ShiftedExponentialTests {
    static let epsilon = Double.ulpOfOne

    /// |a − b| in units of b's last place.
    static func ulps(_ a: Double, _ b: Double) -> Double { abs(a - b) / b.ulp }

    @Test("e^{x − m} is within 3 ulp of libm's exp (each within 2 resp. 1 ulp of the exact value) on [−708, 0]; 0 below −708")
    func exponentialIsWithinThreeUlpOfLibm() {
        let stream = RandomStream(seed: 9_100, purpose: .estimatorDraws)
        var x = (0..<20_000).map { _ in -708 * stream.uniform() }
        x += (0..<2_000).map { _ in -1e-3 * stream.uniform() } + [0, -0.0, -1e-300, -Double.leastNormalMagnitude, -708, -log(2.0) * 100]
        let shift = 0.75
        var row = x.map { $0 + shift }
        let arguments = row.map { $0 - shift }
        row.withUnsafeMutableBufferPointer { ShiftedExponential.exponentiate($0.baseAddress!, count: $0.count, shift: shift) }
        let worst = zip(row, arguments).map { Self.ulps($0.0, exp($0.1)) }.max() ?? .nan
        #expect(worst <= 3, "largest difference \(worst) ulp")
        var tail = [-708.5, -745.2, -1e4, -.infinity]
        tail.withUnsafeMutableBufferPointer { ShiftedExponential.exponentiate($0.baseAddress!, count: $0.count, shift: 0) }
        #expect(tail == [0, 0, 0, 0])
        var nan = [Double.nan]
        nan.withUnsafeMutableBufferPointer { ShiftedExponential.exponentiate($0.baseAddress!, count: 1, shift: 0) }
        #expect(nan[0].isNaN)
    }

    @Test("the eight-lane sum is within (n/8 + 3 + n mod 8)·ε·Σ|x| of the exact sum (n = 1 … 100, mixed signs)")
    func laneSumIsWithinItsBound() {
        let stream = RandomStream(seed: 9_500, purpose: .estimatorDraws)
        for n in 1...100 {
            let x = (0..<n).map { _ in (stream.uniform() - 0.3) * pow(2, Double(stream.uniformInt(below: 20))) }
            // Neumaier's compensated sum: exact to within ε·|Σx| + O(nε²)·Σ|x| here.
            var sum = 0.0, compensation = 0.0
            for v in x {
                let t = sum + v
                compensation += abs(sum) >= abs(v) ? (sum - t) + v : (v - t) + sum
                sum = t
            }
            let exact = sum + compensation, magnitude = x.reduce(0) { $0 + abs($1) }
            let bound = Double(n / 8 + 3 + n % 8) * Self.epsilon * magnitude + Self.epsilon * abs(exact)
            let lanes = x.withUnsafeBufferPointer { cnumerics_lane_sum($0.baseAddress!, n) }
            #expect(abs(lanes - exact) <= bound, "n = \(n): error \(abs(lanes - exact)), bound \(bound)")
        }
    }

    @Test("the eight-lane maximum equals the sequential select m = x ≥ m ? x : m (NaN skipped; n = 0 … 40)")
    func laneMaxEqualsSequentialMax() {
        let stream = RandomStream(seed: 9_550, purpose: .estimatorDraws)
        for n in 0...40 {
            var x = (0..<n).map { _ in stream.uniform() - 0.5 }
            if n > 3 { x[stream.uniformInt(below: n)] = .nan }
            var sequential = -Double.infinity
            for v in x { sequential = v >= sequential ? v : sequential }
            let lanes = x.withUnsafeBufferPointer { cnumerics_lane_max($0.baseAddress, n) }
            #expect(lanes == sequential, "n = \(n): \(lanes) against \(sequential)")
        }
        let nan = [Double](repeating: .nan, count: 9)
        #expect(nan.withUnsafeBufferPointer { cnumerics_lane_max($0.baseAddress!, 9) } == -.infinity)
    }

    static func inputs(tokens n: Int, normalization: AttentionNormalization, seed: UInt64) -> AttentionInputs {
        let stream = RandomStream(seed: seed, purpose: .estimatorDraws)
        func matrix(_ columns: Int) -> Matrix {
            var m = Matrix(rows: n, columns: columns)
            m.elements.withUnsafeMutableBufferPointer { stream.fillGaussian($0) }
            return m
        }
        return AttentionInputs(queries: matrix(8), keys: matrix(8), values: matrix(5), beta: 0.9, normalization: normalization)
    }

    @Test("attention weight matrix: every weight within (8 + 2N)·ε relative of the scalar-exp weights, column norms too",
          arguments: [AttentionNormalization.softmax, .meanField])
    func weightMatrixMatchesScalarExp(normalization: AttentionNormalization) {
        let n = 61, inputs = Self.inputs(tokens: n, normalization: normalization, seed: 9_200)
        var s = BLAS.product(inputs.queries, inputs.keys, transposeB: true)
        for i in 0..<n {
            var shift = -Double.infinity
            for j in 0..<n { s[i, j] *= inputs.beta; shift = max(shift, s[i, j]) }
            var total = 0.0
            for j in 0..<n { s[i, j] = exp(s[i, j] - shift); total += s[i, j] }
            let scale = normalization == .meanField ? exp(shift) / Double(n) : 1 / total
            for j in 0..<n { s[i, j] *= scale }
        }
        let weights = AttentionWeightMatrix(inputs)
        let bound = (8 + 2 * Double(n)) * Self.epsilon
        var worst = 0.0
        for i in 0..<n { for j in 0..<n { worst = max(worst, abs(weights.transposed[j, i] - s[i, j]) / s[i, j]) } }
        #expect(worst <= bound, "largest relative difference \(worst / Self.epsilon) ε, bound \(bound / Self.epsilon) ε")
        for j in 0..<n {
            let norm = (0..<n).reduce(0.0) { $0 + s[$1, j] * s[$1, j] }.squareRoot()
            #expect(abs(weights.columnNorms[j] - norm) <= bound * norm)
        }
    }

    @Test("random features with a per-row or global shift: each feature within 8ε relative of the scalar-exp features",
          arguments: RandomFeatureMap.Kind.allCases)
    func shiftedFeaturesMatchScalarExp(kind: RandomFeatureMap.Kind) {
        let n = 23, d = 6
        let stream = RandomStream(seed: 9_300, purpose: .estimatorDraws)
        var x = Matrix(rows: n, columns: d)
        x.elements.withUnsafeMutableBufferPointer { stream.fillGaussian($0) }
        let map = RandomFeatureMap(kind: kind, features: 11, dimension: d, sampling: .independent, stream: stream)
        let m = map.count, f = map.featureDimension
        let p = BLAS.product(x, map.projections, transposeB: true)
        var logs = Matrix(rows: n, columns: f)
        for i in 0..<n {
            let norm = (0..<d).reduce(0.0) { $0 + x[i, $1] * x[i, $1] } / 2
            for l in 0..<m {
                switch kind {
                case .positive: logs[i, l] = p[i, l] - norm
                case .trigonometric: logs[i, l] = norm; logs[i, m + l] = norm
                case .hyperbolic: logs[i, l] = p[i, l] - norm; logs[i, m + l] = -p[i, l] - norm
                }
            }
        }
        let scale = kind == .hyperbolic ? 1 / (2 * Double(m)).squareRoot() : 1 / Double(m).squareRoot()
        for shift in [RandomFeatureMap.Shift.perRow, .global] {
            let features = map.features(of: x, shift: shift)
            var worst = 0.0
            for i in 0..<n {
                let offset = shift == .global ? logs.elements.max()! : (0..<f).reduce(-Double.infinity) { max($0, logs[i, $1]) }
                for l in 0..<f {
                    var value = scale * exp(logs[i, l] - offset)
                    if kind == .trigonometric { value *= l < m ? sin(p[i, l]) : cos(p[i, l - m]) }
                    if value != 0 { worst = max(worst, abs(features[i, l] - value) / abs(value)) }
                }
            }
            #expect(worst <= 8 * Self.epsilon, "\(kind) \(shift): largest relative difference \(worst / Self.epsilon) ε")
        }
    }
}
