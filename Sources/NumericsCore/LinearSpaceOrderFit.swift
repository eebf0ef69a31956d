import Foundation

/// The linear-space order fit of signed (weak) errors: b_k = C·τ_k^q, plus a constant D when
/// the reference has its own step h (its weak bias is the same at every level), by profile
/// generalised least squares with a profile-likelihood interval. See ``OrderFit``.
enum LinearSpaceOrderFit {
    static func fit(_ data: OrderFitLevelData, shape: ErrorShape, theory: Double?, deterministic: Bool,
                    bootstrap: PairedBootstrap?, settings: OrderFit.Settings) -> OrderFitResult {
        let k = data.levels, m = data.trajectories
        let withOffset = shape.referenceStep > 0 && k >= 3
        let parameters = withOffset ? 2 : 1
        var notes: [String] = []
        let informative = data.levelErrors.map { e in
            e.value != 0 && abs(e.value) >= settings.informativeSignalToNoise * e.standardError
        }
        if !informative.contains(true) {
            notes.append("no level is informative (|b| < \(OrderFit.format(settings.informativeSignalToNoise)) SE everywhere): the order reflects noise only")
        }

        // Whitening v ↦ L⁻¹v with Σ = Ĉov/M = LLᵀ, falling back to the diagonal SEs, then to none.
        var whiten: ([Double]) -> [Double] = { $0 }
        var weighted = false
        var sigma = Matrix(rows: k, columns: k)
        for i in 0..<(k * k) { sigma.elements[i] = data.sampleCovariance.elements[i] / Double(m) }
        if m > k, let w = try? GeneralizedLeastSquares.Whitening(covariance: sigma, ridgeFactor: settings.ridgeFactor) {
            whiten = { w.whiten($0) }
            weighted = true
            if w.ridge > 0 { notes.append("cross-level covariance was not positive definite: ridge \(OrderFit.format(w.ridge)) added") }
        } else {
            let se = data.levelErrors.map(\.standardError)
            if let floorSE = se.filter({ $0 > 0 }).min() {
                let scale = se.map { $0 > 0 ? $0 : floorSE }
                whiten = { v in zip(v, scale).map { $0 / $1 } }
                weighted = true
                notes.append("cross-level covariance unavailable (M ≤ K or singular): fit weighted by per-level SEs only")
            } else {
                notes.append("all trajectories agree at every level: no noise estimate, fit unweighted")
            }
        }

        // Normalised abscissae r_k = τ_k/τ_ref (τ_ref the geometric mean) keep τ^q well scaled.
        let logTau = data.timeSteps.map { log($0) }
        let logRef = logTau.reduce(0, +) / Double(k)
        let logR = logTau.map { $0 - logRef }
        let whiteOne = whiten([Double](repeating: 1, count: k))
        /// χ² of the best linear combination of the whitened model columns, and its coefficients.
        func project(_ b: [Double], order q: Double) -> (chi: Double, coefficients: [Double]) {
            let f = whiten(logR.map { exp(q * $0) })
            let bb = b.reduce(0) { $0 + $1 * $1 }
            if !withOffset {
                var fb = 0.0, ff = 0.0
                for i in 0..<k { fb += f[i] * b[i]; ff += f[i] * f[i] }
                return ff > 0 ? (max(0, bb - fb * fb / ff), [fb / ff]) : (bb, [0])
            }
            var ff = 0.0, fo = 0.0, oo = 0.0, fb = 0.0, ob = 0.0
            for i in 0..<k {
                ff += f[i] * f[i]; fo += f[i] * whiteOne[i]; oo += whiteOne[i] * whiteOne[i]
                fb += f[i] * b[i]; ob += whiteOne[i] * b[i]
            }
            let det = ff * oo - fo * fo
            guard det > 1e-300 * max(1, ff * oo) else { return ff > 0 ? (max(0, bb - fb * fb / ff), [fb / ff, 0]) : (bb, [0, 0]) }
            let c = (oo * fb - fo * ob) / det, d = (ff * ob - fo * fb) / det
            return (max(0, bb - (c * fb + d * ob)), [c, d])
        }
        let lowQ = settings.profileRange.lowerBound, highQ = settings.profileRange.upperBound
        let gridCount = Int(((highQ - lowQ) / settings.profileStep).rounded()) + 1
        let grid = (0..<gridCount).map { min(highQ, lowQ + Double($0) * settings.profileStep) }
        func minimise(_ b: [Double]) -> (order: Double, chi: Double, profile: [Double]) {
            let profile = grid.map { project(b, order: $0).chi }
            let best = GoldenSectionSearch.gridMinimum(profile)
            let q = GoldenSectionSearch.refine({ project(b, order: $0).chi }, grid: grid, best: best, tolerance: 1e-12, iterations: 80)
            let chi = project(b, order: q).chi
            return chi <= profile[best] ? (q, chi, profile) : (grid[best], profile[best], profile)
        }
        let whiteB = whiten(data.means)
        let (order, chiMin, profile) = minimise(whiteB)

        let t = Distributions.studentT95(degreesOfFreedom: Double(m - 1))
        let threshold = t * t
        let inside = profile.indices.filter { profile[$0] - chiMin <= threshold }
        let best = GoldenSectionSearch.gridMinimum(profile)
        let firstInside = inside.first ?? best, lastInside = inside.last ?? best
        func bisect(outside: Double, inside: Double) -> Double {
            var o = outside, i = inside
            for _ in 0..<60 where abs(o - i) > 1e-12 {
                let mid = (o + i) / 2
                if project(whiteB, order: mid).chi - chiMin <= threshold { i = mid } else { o = mid }
            }
            return i
        }
        var lower = firstInside == 0 ? grid[0] : bisect(outside: grid[firstInside - 1], inside: grid[firstInside])
        var upper = lastInside == gridCount - 1 ? grid[gridCount - 1] : bisect(outside: grid[lastInside + 1], inside: grid[lastInside])
        if firstInside == 0 || lastInside == gridCount - 1 {
            notes.append("profile interval unbounded: clipped to the search grid [\(OrderFit.format(lowQ)), \(OrderFit.format(highQ))]")
        }
        let coefficients = project(whiteB, order: order).coefficients
        let prefactor = coefficients[0] * exp(-order * logRef)
        let lackOfFitP: Double? = (k > parameters + 1 && weighted)
            ? (m > k ? OrderFit.lackOfFitPValue(chiSquared: chiMin, residualDimensions: k - parameters - 1, trajectories: m)
                     : Distributions.chiSquaredUpperTail(chiMin, degreesOfFreedom: Double(k - parameters - 1)))
            : nil

        // Local orders of the signed means, with delta-method SEs: Var log b = Var b / b².
        let sorted = (0..<k).sorted { data.timeSteps[$0] > data.timeSteps[$1] }
        var local: [Double?] = [], localSE: [Double?] = []
        for (a, b) in zip(sorted, sorted.dropFirst()) where data.timeSteps[a] > data.timeSteps[b] {
            let ba = data.means[a], bb = data.means[b]
            let span = log(data.timeSteps[a] / data.timeSteps[b])
            guard ba / bb > 0 else { local.append(nil); localSE.append(nil); continue }
            local.append(log(ba / bb) / span)
            let v = (sigma[a, a] / (ba * ba) + sigma[b, b] / (bb * bb) - 2 * sigma[a, b] / (ba * bb)) / (span * span)
            localSE.append(max(0, v).squareRoot())
        }
        var asymptotic: Estimate?
        if let last = local.last, let q = last, let se = localSE.last ?? nil { asymptotic = Estimate(value: q, standardError: se, count: m) }

        var adequate = true
        if let p = lackOfFitP, p < settings.lackOfFitLevel { adequate = false }
        if deterministic && chiMin > 1e-18 * max(1, whiteB.reduce(0) { $0 + $1 * $1 }) && k > parameters + 1 { adequate = false }
        var kind = OrderIntervalKind.profile
        if !adequate {
            (lower, upper) = OrderFit.hull((lower, upper), local: local, standardErrors: localSE, t: t)
            kind = .localOrderRange
            notes.append("the weak error is not C·τ^q on this grid (lack of fit p = \(OrderFit.format(lackOfFitP ?? .nan))): the interval spans the local orders")
        }

        var bootstrapCI: [Double]?
        if let bootstrap {
            var means = [Double](repeating: 0, count: k)
            let replicates = bootstrap.replicateStatistics(count: m) { indices -> Double in
                data.resampledMeans(indices, into: &means)
                let wb = whiten(means)
                var bestG = 0, bestChi = Double.infinity
                for (g, q) in grid.enumerated() where g % 10 == 0 {
                    let chi = project(wb, order: q).chi
                    if chi < bestChi { bestChi = chi; bestG = g }
                }
                return grid[bestG]
            }
            bootstrapCI = PairedBootstrap.percentileInterval(of: replicates, level: 0.95).map { [$0.lower, $0.upper] }
        }
        return OrderFitResult(
            order: order, ci95: [lower, upper], intervalKind: kind, bootstrapCI95: bootstrapCI,
            standardError: (upper - lower) / (2 * t), prefactor: prefactor, localOrders: local,
            localOrderStandardErrors: localSE, asymptoticOrder: asymptotic, lackOfFitP: lackOfFitP,
            singleOrderAdequate: adequate, theoryOrder: theory, referenceStep: shape.referenceStep,
            levelErrors: data.levelErrors, informativeLevels: informative, notes: notes,
            method: withOffset ? "linear-space profile GLS of b = C·τ^q + D (D: the reference's weak bias)"
                               : "linear-space profile GLS of b = C·τ^q")
    }
}
