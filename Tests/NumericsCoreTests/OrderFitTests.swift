import Testing
import NumericsCore

/// samples[m][k] = e_k² · g_mk² with g_mk = ρ z_m + √(1−ρ²) z_mk: per-trajectory mean squared
/// errors with mean e_k², χ²₁-like noise, and noise shared across levels (correlation ρ²).
private func meanSquareSamples(errors: [Double], trajectories: Int, correlation rho: Double, seed: UInt64) -> [[Double]] {
    let stream = RandomStream(seed: seed, purpose: .bootstrap, index: 7)
    let own = (1 - rho * rho).squareRoot()
    return (0..<trajectories).map { _ in
        let shared = stream.gaussian()
        return errors.map { e in
            let g = rho * shared + own * stream.gaussian()
            return e * e * g * g
        }
    }
}

/// samples[m][k] = b_k + s_k (ρ z_m + √(1−ρ²) z_mk): paired differences with mean b_k.
private func signedSamples(biases: [Double], scales: [Double], trajectories: Int, correlation rho: Double, seed: UInt64) -> [[Double]] {
    let stream = RandomStream(seed: seed, purpose: .bootstrap, index: 8)
    let own = (1 - rho * rho).squareRoot()
    return (0..<trajectories).map { _ in
        let shared = stream.gaussian()
        return zip(biases, scales).map { b, s in b + s * (rho * shared + own * stream.gaussian()) }
    }
}

private func covers(_ interval: [Double]?, _ q: Double) -> Bool {
    guard let interval, interval.count == 2 else { return false }
    return interval[0] <= q && q <= interval[1]
}

@Suite("OrderFit")
struct OrderFitTests {
    let tau = [0.2, 0.1, 0.04, 0.02, 0.01, 0.004]   // not a halving grid

    @Test("order fit recovers q = 0.5 from synthetic errors with CI covering it")
    func recoversHalf() throws {
        let errors = tau.map { 2 * $0.squareRoot() }
        let samples = meanSquareSamples(errors: errors, trajectories: 400, correlation: 0.7, seed: 101)
        let input = OrderFitInput(timeSteps: tau, samples: samples, measure: .rootMeanSquare, theoryOrder: 0.5)
        let fit = try OrderFit.fit(input, stream: RandomStream(seed: 1, purpose: .bootstrap))
        #expect(fit.method.contains("delta-method"))
        #expect(abs(fit.order - 0.5) < 4 * fit.standardError)
        #expect(fit.standardError > 0 && fit.standardError < 0.05)
        #expect(covers(fit.ci95, 0.5))
        #expect(covers(fit.bootstrapCI95, 0.5))
        #expect(abs(fit.prefactor / 2 - 1) < 0.3)
        #expect(fit.localOrders.count == tau.count - 1 && fit.localOrders.allSatisfy { $0 != nil })
        #expect(try #require(fit.lackOfFitP) > 1e-4)
        #expect(fit.informativeLevels.allSatisfy { $0 })
        #expect(!fit.notes.contains { $0.contains("divergence") || $0.contains("lack of fit") })
        #expect(fit.theoryOrder == 0.5)
        // Level errors in input order, with the delta-method SE: relative SE ≈ √(2/M)/2 for χ²₁ noise.
        for k in tau.indices {
            let e = fit.levelErrors[k]
            #expect(e.count == 400)
            #expect(abs(e.value / errors[k] - 1) < 4 * 0.0354)
            #expect(abs(e.standardError / e.value / 0.0354 - 1) < 0.3)
        }
    }

    @Test("GLS 95% interval of the RMS order covers the true order at about the nominal rate")
    func rmsCoverage() throws {
        var covered = 0
        let runs = 100
        for seed in 0..<runs {
            let samples = meanSquareSamples(errors: tau.map { $0 }, trajectories: 200, correlation: 0.8, seed: 1000 + UInt64(seed))
            let fit = try OrderFit.fit(OrderFitInput(timeSteps: tau, samples: samples, measure: .rootMeanSquare),
                                       bootstrapReplicates: 0, stream: RandomStream(seed: 2, purpose: .bootstrap))
            if covers(fit.ci95, 1) { covered += 1 }
        }
        // Binomial(100, 0.95): SD ≈ 2.2, so a 4-SD band is ≥ 86.
        #expect(covered >= 86)
    }

    @Test("order fit reports divergence as a negative order")
    func divergence() throws {
        let samples = meanSquareSamples(errors: tau.map { 0.1 / $0.squareRoot() }, trajectories: 300, correlation: 0.5, seed: 202)
        let fit = try OrderFit.fit(OrderFitInput(timeSteps: tau, samples: samples, measure: .rootMeanSquare),
                                   stream: RandomStream(seed: 3, purpose: .bootstrap))
        #expect(fit.order < 0)
        #expect(abs(fit.order + 0.5) < 4 * fit.standardError)
        #expect(fit.ci95[1] < 0)
        #expect(fit.notes.contains { $0.contains("divergence") })
    }

    @Test("lack of fit flags a floor")
    func floorIsFlagged() throws {
        let steps = [0.1, 0.05, 0.02, 0.01, 0.005, 0.002]
        let errors = steps.map { ($0 * $0 + 0.01 * 0.01).squareRoot() }   // order 1 down to a floor at 0.01
        let samples = meanSquareSamples(errors: errors, trajectories: 2000, correlation: 0.5, seed: 303)
        let fit = try OrderFit.fit(OrderFitInput(timeSteps: steps, samples: samples, measure: .rootMeanSquare, theoryOrder: 1),
                                   bootstrapReplicates: 100, stream: RandomStream(seed: 4, purpose: .bootstrap))
        #expect(try #require(fit.lackOfFitP) < 0.01)
        #expect(fit.notes.contains { $0.contains("lack of fit") })
        let local = fit.localOrders.compactMap { $0 }
        #expect(local.count == steps.count - 1 && local.first! > 0.8 && local.last! < 0.3)
    }

    @Test("signed weak-error fit recovers order 1 in linear space")
    func signedOrderOne() throws {
        let biases = tau.map { 1.0 * $0 }
        let samples = signedSamples(biases: biases, scales: tau.map { $0.squareRoot() }, trajectories: 400, correlation: 0.6, seed: 404)
        let input = OrderFitInput(timeSteps: tau, samples: samples, measure: .signedMean, theoryOrder: 1)
        let fit = try OrderFit.fit(input, stream: RandomStream(seed: 5, purpose: .bootstrap))
        #expect(fit.method.contains("linear-space"))
        #expect(abs(fit.order - 1) < 4 * fit.standardError)
        #expect(covers(fit.ci95, 1))
        #expect(covers(fit.bootstrapCI95, 1))
        #expect(fit.ci95[0] > 0.5 && fit.ci95[1] < 1.5)
        #expect(abs(fit.prefactor - 1) < 0.5)
        // The coarsest level is far above its noise, the finest (b = 0.004, SE ≈ 0.003) is not.
        #expect(fit.informativeLevels.first == true && fit.informativeLevels.last == false)
        #expect(!fit.notes.contains { $0.contains("divergence") })
    }

    @Test("profile-likelihood interval of the signed order covers the true order at about the nominal rate")
    func signedCoverage() throws {
        var covered = 0
        let runs = 100
        let steps = [0.2, 0.1, 0.05, 0.025]
        for seed in 0..<runs {
            let samples = signedSamples(biases: steps.map { $0 * $0 }, scales: steps.map { 0.3 * $0 }, trajectories: 150,
                                        correlation: 0.7, seed: 5000 + UInt64(seed))
            let fit = try OrderFit.fit(OrderFitInput(timeSteps: steps, samples: samples, measure: .signedMean),
                                       bootstrapReplicates: 0, stream: RandomStream(seed: 6, purpose: .bootstrap))
            if covers(fit.ci95, 2) { covered += 1 }
        }
        #expect(covered >= 86)
    }

    @Test("signed fit of pure noise still returns, with warnings")
    func pureNoise() throws {
        let samples = signedSamples(biases: [0, 0, 0], scales: [1, 1, 1], trajectories: 50, correlation: 0.3, seed: 505)
        let fit = try OrderFit.fit(OrderFitInput(timeSteps: [0.1, 0.05, 0.025], samples: samples, measure: .signedMean),
                                   bootstrapReplicates: 50, stream: RandomStream(seed: 7, purpose: .bootstrap))
        #expect(fit.informativeLevels.allSatisfy { !$0 })
        #expect(fit.notes.contains { $0.contains("no level is informative") })
        #expect(fit.ci95[0] <= fit.order && fit.order <= fit.ci95[1])
    }

    @Test("order fit is deterministic given the stream and keeps levels in input order")
    func deterministicAndOrdered() throws {
        let shuffled = [0.02, 0.2, 0.004, 0.1, 0.01, 0.04]
        let samples = meanSquareSamples(errors: shuffled, trajectories: 300, correlation: 0.5, seed: 606)
        let input = OrderFitInput(timeSteps: shuffled, samples: samples, measure: .rootMeanSquare)
        let a = try OrderFit.fit(input, bootstrapReplicates: 100, stream: RandomStream(seed: 8, purpose: .bootstrap))
        let b = try OrderFit.fit(input, bootstrapReplicates: 100, stream: RandomStream(seed: 8, purpose: .bootstrap))
        #expect(a == b)
        for k in shuffled.indices { #expect(abs(a.levelErrors[k].value / shuffled[k] - 1) < 0.25) }
        // Local orders run over τ descending; with e ∝ τ each is near 1.
        #expect(a.localOrders.count == shuffled.count - 1)
        #expect(a.localOrders.allSatisfy { ($0 ?? -9) > 0 && ($0 ?? 9) < 2 })
        #expect(abs(a.order - 1) < 4 * a.standardError)
    }

    @Test("order fit with two levels has no lack-of-fit statistic and an exact local order")
    func twoLevels() throws {
        let samples = meanSquareSamples(errors: [0.1, 0.05], trajectories: 100, correlation: 0.9, seed: 707)
        let fit = try OrderFit.fit(OrderFitInput(timeSteps: [0.1, 0.05], samples: samples, measure: .rootMeanSquare),
                                   bootstrapReplicates: 50, stream: RandomStream(seed: 9, purpose: .bootstrap))
        #expect(fit.lackOfFitP == nil)
        let local = try #require(fit.localOrders.first ?? nil)
        #expect(abs(local - fit.order) < 1e-9)
    }

    @Test("noiseless power law gives the exact order with zero-width intervals and no disagreement warning")
    func noiseless() throws {
        let row = tau.map { 3 * $0 * $0 }   // e = √3·τ
        let fit = try OrderFit.fit(OrderFitInput(timeSteps: tau, samples: [row, row, row], measure: .rootMeanSquare),
                                   bootstrapReplicates: 20, stream: RandomStream(seed: 12, purpose: .bootstrap))
        #expect(abs(fit.order - 1) < 1e-10 && abs(fit.prefactor - 3.0.squareRoot()) < 1e-9)
        #expect(fit.ci95[1] - fit.ci95[0] < 1e-9)
        #expect(fit.singleOrderAdequate && !fit.notes.contains { $0.contains("lack of fit") })
    }

    @Test("order fit rejects malformed input")
    func badInput() {
        let stream = RandomStream(seed: 10, purpose: .bootstrap)
        #expect(throws: FitInputError.self) {
            try OrderFit.fit(OrderFitInput(timeSteps: [0.1], samples: [[1], [2]], measure: .rootMeanSquare), stream: stream)
        }
        #expect(throws: FitInputError.self) {
            try OrderFit.fit(OrderFitInput(timeSteps: [0.1, 0.05], samples: [[1, 2]], measure: .rootMeanSquare), stream: stream)
        }
        #expect(throws: FitInputError.self) {
            try OrderFit.fit(OrderFitInput(timeSteps: [0.1, -0.05], samples: [[1, 2], [1, 2]], measure: .signedMean), stream: stream)
        }
        #expect(throws: FitInputError.self) {
            try OrderFit.fit(OrderFitInput(timeSteps: [0.1, 0.05], samples: [[1, -2], [1, 2]], measure: .rootMeanSquare), stream: stream)
        }
    }

    @Test("order fit result encodes to JSON with null local orders")
    func codable() throws {
        // A sign change between levels makes the local order undefined.
        let samples = signedSamples(biases: [0.1, -0.05, 0.02], scales: [0.01, 0.01, 0.01], trajectories: 50, correlation: 0.2, seed: 808)
        let fit = try OrderFit.fit(OrderFitInput(timeSteps: [0.1, 0.05, 0.025], samples: samples, measure: .signedMean),
                                   bootstrapReplicates: 20, stream: RandomStream(seed: 11, purpose: .bootstrap))
        #expect(fit.localOrders.contains { $0 == nil })
        #expect(fit.order.isFinite && fit.ci95.allSatisfy { $0.isFinite } && fit.standardError.isFinite)
    }
}
