import Foundation

/// The log-space order fit of RMS errors: fixed-weight least squares with a delta-method
/// (sandwich) interval, lack of fit by GLS, and local orders with their SEs. See ``OrderFit``.
enum LogSpaceOrderFit {
    /// The least-squares fit of y_k = a + log(τ_k^q − h^q) with unit weights. h = 0 has the
    /// closed form of the OLS slope; h > 0 is profiled in q on a grid, then golden-section.
    struct Estimator {
        let timeSteps: [Double]
        let shape: ErrorShape
        let grid: [Double]

        init(timeSteps: [Double], shape: ErrorShape, settings: OrderFit.Settings) {
            self.timeSteps = timeSteps
            self.shape = shape
            if shape.referenceStep > 0 {
                // The shape needs q > 0; orders above the grid's end are not resolvable anyway.
                let low = max(0.02, settings.profileRange.lowerBound), high = settings.profileRange.upperBound
                let count = Int(((high - low) / 0.01).rounded()) + 1
                grid = (0..<count).map { min(high, low + Double($0) * 0.01) }
            } else {
                grid = []
            }
        }

        func residualSumOfSquares(_ y: [Double], order q: Double) -> (rss: Double, intercept: Double) {
            let phi = timeSteps.map { shape.logShape($0, order: q) }
            guard phi.allSatisfy(\.isFinite) else { return (.infinity, .nan) }
            let a = zip(y, phi).reduce(0) { $0 + $1.0 - $1.1 } / Double(y.count)
            let rss = zip(y, phi).reduce(0) { let r = $1.0 - a - $1.1; return $0 + r * r }
            return (rss, a)
        }

        /// (q̂, intercept).
        func fit(_ y: [Double]) -> (order: Double, intercept: Double) {
            let n = Double(y.count)
            if shape.referenceStep == 0 {
                let x = timeSteps.map { log($0) }
                let xBar = x.reduce(0, +) / n, yBar = y.reduce(0, +) / n
                var sxy = 0.0, sxx = 0.0
                for i in x.indices { sxy += (x[i] - xBar) * (y[i] - yBar); sxx += (x[i] - xBar) * (x[i] - xBar) }
                let q = sxy / sxx
                return (q, yBar - q * xBar)
            }
            let best = GoldenSectionSearch.gridMinimum(grid.map { residualSumOfSquares(y, order: $0).rss })
            let q = GoldenSectionSearch.refine({ residualSumOfSquares(y, order: $0).rss }, grid: grid, best: best,
                                               tolerance: 1e-13, iterations: 200)
            return (q, residualSumOfSquares(y, order: q).intercept)
        }

        /// ∂q̂/∂y_k: exact for h = 0, central differences otherwise.
        func gradient(_ y: [Double]) -> [Double] {
            if shape.referenceStep == 0 {
                let x = timeSteps.map { log($0) }
                let xBar = x.reduce(0, +) / Double(x.count)
                let sxx = x.reduce(0) { $0 + ($1 - xBar) * ($1 - xBar) }
                return x.map { ($0 - xBar) / sxx }
            }
            let step = 1e-5
            return y.indices.map { k in
                var up = y, down = y
                up[k] += step; down[k] -= step
                return (fit(up).order - fit(down).order) / (2 * step)
            }
        }
    }

    static func fit(_ data: OrderFitLevelData, shape: ErrorShape, theory: Double?, deterministic: Bool,
                    bootstrap: PairedBootstrap?, settings: OrderFit.Settings) throws -> OrderFitResult {
        let m = data.trajectories
        let h = shape.referenceStep
        let usable = (0..<data.levels).filter { data.means[$0] > 0 && data.timeSteps[$0] > h }
        guard usable.count >= 2, Set(usable.map { data.timeSteps[$0] }).count >= 2 else {
            throw FitInputError("rootMeanSquare order fit needs at least two levels with positive mean squared error at distinct step sizes above the reference step; got \(usable.count)")
        }
        var notes: [String] = []
        let excluded = (0..<data.levels).filter { !usable.contains($0) }
        if !excluded.isEmpty {
            notes.append("levels \(excluded.map(String.init).joined(separator: ", ")) (input order) have zero error or τ ≤ h and were left out")
        }
        let informative = data.levelErrors.map { e in e.value > 0 && e.standardError / e.value < settings.maximumRelativeStandardError }
        let tau = usable.map { data.timeSteps[$0] }
        let y = usable.map { 0.5 * log(data.means[$0]) }
        let n = usable.count
        var sigma = Matrix(rows: n, columns: n)
        for (a, ka) in usable.enumerated() {
            for (b, kb) in usable.enumerated() {
                sigma[a, b] = 0.25 * data.sampleCovariance[ka, kb] / (Double(m) * data.means[ka] * data.means[kb])
            }
        }
        let noiseless = (0..<n).allSatisfy { !(sigma[$0, $0] > 0) }

        let estimator = Estimator(timeSteps: tau, shape: shape, settings: settings)
        let (order, intercept) = estimator.fit(y)
        let g = estimator.gradient(y)
        var variance = 0.0
        for a in 0..<n { for b in 0..<n { variance += g[a] * sigma[a, b] * g[b] } }
        let standardError = max(0, variance).squareRoot()
        let t = Distributions.studentT95(degreesOfFreedom: Double(m - 1))
        var ci = (order - t * standardError, order + t * standardError)

        // Local orders between consecutive levels (τ descending) with delta-method SEs.
        let sorted = (0..<n).sorted { tau[$0] > tau[$1] }
        var local: [Double?] = [], localSE: [Double?] = []
        for (a, b) in zip(sorted, sorted.dropFirst()) where tau[a] > tau[b] {
            let q = shape.localOrder(tau[a], tau[b], logRatio: y[a] - y[b])
            local.append(q)
            if let q {
                let slope = shape.logRatioDerivative(tau[a], tau[b], at: q)
                let v = sigma[a, a] + sigma[b, b] - 2 * sigma[a, b]
                localSE.append(max(0, v).squareRoot() / abs(slope))
            } else {
                localSE.append(nil)
            }
        }
        var asymptotic: Estimate?
        if let last = local.last, let q = last, let se = localSE.last ?? nil { asymptotic = Estimate(value: q, standardError: se, count: m) }

        // Lack of fit: GLS of the residuals on the model's Jacobian at q̂.
        let residuals = tau.indices.map { y[$0] - intercept - shape.logShape(tau[$0], order: order) }
        var lackOfFitP: Double?
        var chiSquared: Double?
        if n > 2 && !noiseless && m > n {
            var design = Matrix(rows: n, columns: 2)
            let step = 1e-6 * max(1, abs(order))
            for i in 0..<n {
                design[i, 0] = 1
                design[i, 1] = (shape.logShape(tau[i], order: order + step) - shape.logShape(tau[i], order: order - step)) / (2 * step)
            }
            if let gls = try? GeneralizedLeastSquares(design: design, observations: residuals, covariance: sigma, ridgeFactor: settings.ridgeFactor) {
                chiSquared = gls.chiSquared
                if gls.ridge > 0 { notes.append("cross-level covariance was not positive definite: ridge \(OrderFit.format(gls.ridge)) added for the lack-of-fit test") }
            } else {
                // Fall back to the per-level variances (ignores the correlation between levels).
                var diagonal = Matrix(rows: n, columns: n)
                for i in 0..<n { diagonal[i, i] = max(sigma[i, i], .leastNormalMagnitude) }
                chiSquared = (try? GeneralizedLeastSquares(design: design, observations: residuals, covariance: diagonal))?.chiSquared
                notes.append("cross-level covariance singular: lack of fit from per-level variances only")
            }
            if let chi = chiSquared { lackOfFitP = OrderFit.lackOfFitPValue(chiSquared: chi, residualDimensions: n - 2, trajectories: m) }
        } else if n > 2 && m <= n {
            notes.append("M = \(m) trajectories ≤ K = \(n) levels: no lack-of-fit test")
        }
        let scale = y.reduce(0) { max($0, abs($1)) }
        let misses = residuals.contains { abs($0) > 1e-9 * max(1, scale) }
        var adequate = true
        if let p = lackOfFitP, p < settings.lackOfFitLevel { adequate = false }
        if (deterministic || noiseless) && misses && n > 2 { adequate = false }
        var kind = OrderIntervalKind.deltaMethod
        if !adequate {
            ci = OrderFit.hull(ci, local: local, standardErrors: localSE, t: t)
            kind = .localOrderRange
            notes.append(deterministic || noiseless
                ? "deterministic errors miss the power law: the interval spans the local orders (model error, not noise)"
                : "lack of fit p = \(OrderFit.format(lackOfFitP ?? .nan)) < \(OrderFit.format(settings.lackOfFitLevel)): a single order does not summarise this grid; the interval spans the local orders")
        }
        if order < 0 { notes.append("error grows as τ shrinks: divergence (order \(OrderFit.format(order)) < 0)") }

        var bootstrapCI: [Double]?
        if let bootstrap {
            var means = [Double](repeating: 0, count: data.levels)
            let replicates = bootstrap.replicateStatistics(count: m) { indices -> Double in
                data.resampledMeans(indices, into: &means)
                let ys = usable.map { 0.5 * log(means[$0]) }
                guard ys.allSatisfy(\.isFinite) else { return .nan }
                return estimator.fit(ys).order
            }
            bootstrapCI = PairedBootstrap.percentileInterval(of: replicates, level: 0.95).map { [$0.lower, $0.upper] }
        }
        return OrderFitResult(
            order: order, ci95: [ci.0, ci.1], intervalKind: kind, bootstrapCI95: bootstrapCI,
            standardError: standardError, prefactor: exp(intercept), localOrders: local,
            localOrderStandardErrors: localSE, asymptoticOrder: asymptotic, lackOfFitP: lackOfFitP,
            singleOrderAdequate: adequate, theoryOrder: theory, referenceStep: h, levelErrors: data.levelErrors,
            informativeLevels: informative, notes: notes,
            method: h > 0 ? "least squares of log e on log(τ^q − h^q), delta-method SE" : "least squares of log e on log τ, delta-method SE")
    }
}
