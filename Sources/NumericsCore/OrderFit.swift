import CNumerics

/// What the per-trajectory samples of an order fit measure.
public enum ErrorMeasure: String, Codable, Sendable {
    /// Samples are per-trajectory mean squared errors; the level error is e_k = √(mean_m samples[m][k]).
    case rootMeanSquare
    /// Samples are per-trajectory paired differences f(X̃) − f(X); the level error is the
    /// signed mean b_k = mean_m samples[m][k] (a weak error, which may change sign).
    case signedMean
}

/// The data of an order-of-convergence fit: K step sizes and, for each of M independent
/// trajectories, one error sample per step size (the same trajectory's noise at every level).
public struct OrderFitInput: Sendable {
    /// τ_k, K ≥ 2 levels, all > 0, any grid (not only halving), in any order.
    public var timeSteps: [Double]
    /// samples[m][k]: trajectory m (M ≥ 2) at level k.
    public var samples: [[Double]]
    public var measure: ErrorMeasure
    /// The order the theory predicts, if any (reported, and checked against the CI).
    public var theoryOrder: Double?

    public init(timeSteps: [Double], samples: [[Double]], measure: ErrorMeasure, theoryOrder: Double? = nil) {
        self.timeSteps = timeSteps
        self.samples = samples
        self.measure = measure
        self.theoryOrder = theoryOrder
    }
}

/// An estimated order of convergence e ≈ C·τ^q with two 95% intervals and diagnostics
/// (METHODS §10). Intervals are 95%; `standardError` is 1σ.
public struct OrderFitResult: Codable, Sendable, Equatable {
    /// q̂ (see ``OrderFit`` for which estimator).
    public var order: Double
    /// [lo, hi], method (a): GLS with the cross-level covariance (log space, t-interval) or
    /// the profile-likelihood set (linear space).
    public var ci95: [Double]
    /// [lo, hi], method (b): percentile interval of the paired trajectory bootstrap; nil when
    /// no bootstrap was run or fewer than half the replicates gave a finite refit.
    public var bootstrapCI95: [Double]?
    /// 1σ of q̂: √Cov(q̂) for log-space fits; (hi − lo)/(2 t) for the profile interval.
    public var standardError: Double
    /// C in e = C·τ^q.
    public var prefactor: Double
    /// log(e_k/e_{k+1}) / log(τ_k/τ_{k+1}) for consecutive levels sorted by τ descending;
    /// null where undefined (zero error, sign change, equal τ).
    public var localOrders: [Double?]
    /// Upper-tail probability of the fit's χ² with K − 2 degrees of freedom; nil when K = 2
    /// or when there are no variance estimates to weight by.
    public var lackOfFitP: Double?
    public var theoryOrder: Double?
    /// Per-level error (e_k or b_k) with its SE and trajectory count, in input order.
    public var levelErrors: [Estimate]
    /// signedMean: |b_k| ≥ 2·SE; rootMeanSquare: SE(e_k)/e_k < 0.5. Input order.
    public var informativeLevels: [Bool]
    public var warnings: [String]
    /// Which fit produced `order` and `ci95`.
    public var method: String
}

/// Order-of-convergence fits, METHODS §10.
///
/// **rootMeanSquare** (log space). S_k = mean_m s_mk, e_k = √S_k, SE(e_k) = SE(S_k)/(2√S_k)
/// (delta method). Model log e_k = log C + q log τ_k.
/// - Weighted least squares with w_k = (e_k/SE(e_k))² (`gsl_fit_wlinear`).
/// - GLS with Cov(log e_k, log e_l) = ¼·Ĉov(s_·k, s_·l)/(M S_k S_l), the sample covariance of
///   the per-trajectory errors over M trajectories (shared noise correlates the levels).
/// - **Choice:** when the GLS succeeds (needs M > K and a positive-definite covariance after
///   at most one ridge), `order` is the GLS slope and `ci95` = q̂ ± t_{0.975,M−1}·SE_GLS, so the
///   point estimate is the centre of its interval; otherwise `order` and `ci95` come from the
///   WLS fit (with a warning). Lack of fit uses the χ² of that same fit with K − 2 dof.
/// - Bootstrap: the slope estimator with the covariance held at its full-sample value is
///   linear in log e, q̂ = g·log e; each replicate recomputes e* from the resampled
///   trajectories and applies the same g. O(R·M·K).
///
/// **signedMean** (linear space). b_k = C τ_k^q with Cov b̂ = Ĉov/M. For fixed q, C enters
/// linearly and has the closed-form GLS value C(q) = fᵀΣ⁻¹b / fᵀΣ⁻¹f (f_k = τ_k^q), leaving
/// the profile χ²(q) = bᵀΣ⁻¹b − (fᵀΣ⁻¹b)²/fᵀΣ⁻¹f. It is minimised on a grid over
/// `Settings.profileRange` (step `profileStep`) and refined by golden-section search; the
/// 95% interval is {q : χ²(q) − χ²_min ≤ t²_{0.975,M−1}} (t² → 3.84 for large M; the t
/// quantile accounts for the estimated covariance like the log-space interval), its hull
/// refined by bisection, and clipped to the grid (with a warning) when unbounded.
/// The bootstrap refits each replicate on the grid with the full-sample Σ. O(G·K² + R·(M·K + G·K)).
///
/// Levels are taken in input order; local orders sort them by τ descending. The order is
/// never made positive: q̂ < 0 (error grows as τ shrinks) is reported with a divergence
/// warning. Deterministic given the stream.
///
/// Reference: METHODS §10; Efron & Tibshirani (1993) for the bootstrap; Venzon & Moolgavkar,
/// Appl. Stat. 37 (1988) for profile-likelihood intervals.
public enum OrderFit {
    /// Tunable constants of the fit, with their documented defaults.
    public struct Settings: Sendable {
        /// Grid of orders searched by the linear-space profile fit.
        public var profileRange: ClosedRange<Double> = -1.0...4.0
        public var profileStep: Double = 1e-3
        /// Lack-of-fit p-value below which a warning is issued.
        public var lackOfFitAlarm: Double = 0.01
        /// signedMean: a level is informative when |b_k| ≥ this many SEs.
        public var informativeSignalToNoise: Double = 2
        /// rootMeanSquare: a level is informative when SE(e_k)/e_k is below this.
        public var maximumRelativeStandardError: Double = 0.5
        /// Relative ridge for a covariance that is not positive definite (see ``GeneralizedLeastSquares``).
        public var ridgeFactor: Double = 1e-12
        /// The two intervals disagree when their centres differ by more than this fraction of
        /// the larger half-width, or their widths by more than `disagreementWidthRatio`.
        public var disagreementCentreFraction: Double = 0.5
        public var disagreementWidthRatio: Double = 2

        public init() {}
    }

    /// Fits e ≈ C·τ^q (see the type's documentation).
    ///
    /// - Parameters:
    ///   - bootstrapReplicates: R for interval (b); 0 skips the bootstrap.
    ///   - stream: the bootstrap's random stream (e.g. purpose `.bootstrap`).
    /// - Throws: ``FitInputError`` for malformed input (K < 2, M < 2, ragged samples, τ ≤ 0,
    ///   non-finite samples, negative mean squares, fewer than two levels with positive
    ///   error at distinct τ for rootMeanSquare).
    public static func fit(_ input: OrderFitInput, bootstrapReplicates: Int = 400, stream: RandomStream,
                           settings: Settings = Settings()) throws -> OrderFitResult {
        let data = try LevelData(input)
        precondition(bootstrapReplicates >= 0, "bootstrapReplicates must be ≥ 0, got \(bootstrapReplicates)")
        precondition(settings.profileStep > 0 && settings.profileRange.upperBound > settings.profileRange.lowerBound,
                     "profile grid \(settings.profileRange) step \(settings.profileStep)")
        let bootstrap = bootstrapReplicates > 0 ? PairedBootstrap(replicates: bootstrapReplicates, stream: stream) : nil
        var fitted: Fitted
        switch input.measure {
        case .rootMeanSquare: fitted = try fitLogSpace(data, bootstrap: bootstrap, settings: settings)
        case .signedMean: fitted = fitLinearSpace(data, bootstrap: bootstrap, settings: settings)
        }

        var warnings = fitted.warnings
        let uninformative = data.levelErrors.indices.filter { !fitted.informative[$0] }
        if !uninformative.isEmpty {
            let list = uninformative.map(String.init).joined(separator: ", ")
            switch input.measure {
            case .signedMean:
                warnings.append("levels \(list) (input order) carry no information (|bias| < \(format(settings.informativeSignalToNoise)) SE)")
            case .rootMeanSquare:
                warnings.append("levels \(list) (input order) carry little information (relative SE ≥ \(format(settings.maximumRelativeStandardError)))")
            }
        }
        if let p = fitted.lackOfFitP, p < settings.lackOfFitAlarm {
            warnings.append("lack of fit p<\(format(settings.lackOfFitAlarm)) (p = \(format(p))): pre-asymptotic curvature or a floor")
        }
        if fitted.order < 0 {
            warnings.append("error grows as τ shrinks: divergence (order \(format(fitted.order)) < 0)")
        }
        if let b = fitted.bootstrapCI {
            let (la, ha) = fitted.ci, (lb, hb) = b
            let centreGap = abs((la + ha) / 2 - (lb + hb) / 2)
            let widthA = ha - la, widthB = hb - lb
            // Widths below round-off of the centre (noiseless data) count as zero.
            let negligible = 1e-9 * max(1, abs(fitted.order))
            let wideA = max(widthA, negligible), wideB = max(widthB, negligible)
            if centreGap > max(settings.disagreementCentreFraction * max(wideA, wideB) / 2, negligible)
                || max(wideA, wideB) / min(wideA, wideB) > settings.disagreementWidthRatio {
                warnings.append("GLS and bootstrap CIs disagree: [\(format(la)), \(format(ha))] vs [\(format(lb)), \(format(hb))]")
            }
        } else if bootstrapReplicates > 0 {
            warnings.append("bootstrap failed: fewer than half of \(bootstrapReplicates) replicates gave a finite refit")
        }
        if let theory = input.theoryOrder, !(fitted.ci.lower <= theory && theory <= fitted.ci.upper) {
            warnings.append("theory order \(format(theory)) lies outside the 95% CI [\(format(fitted.ci.lower)), \(format(fitted.ci.upper))]")
        }

        return OrderFitResult(
            order: fitted.order, ci95: [fitted.ci.lower, fitted.ci.upper],
            bootstrapCI95: fitted.bootstrapCI.map { [$0.lower, $0.upper] },
            standardError: fitted.standardError, prefactor: fitted.prefactor,
            localOrders: localOrders(timeSteps: data.timeSteps, errors: data.levelErrors.map(\.value)),
            lackOfFitP: fitted.lackOfFitP, theoryOrder: input.theoryOrder, levelErrors: data.levelErrors,
            informativeLevels: fitted.informative, warnings: warnings, method: fitted.method)
    }

    /// log(v_k/v_{k+1}) / log(τ_k/τ_{k+1}) over levels sorted by τ descending; nil when not finite
    /// or when v_k and v_{k+1} differ in sign or vanish. O(K log K).
    public static func localOrders(timeSteps: [Double], errors: [Double]) -> [Double?] {
        precondition(timeSteps.count == errors.count, "local orders: \(timeSteps.count) steps, \(errors.count) errors")
        let order = timeSteps.indices.sorted { timeSteps[$0] > timeSteps[$1] }
        guard order.count >= 2 else { return [] }
        return (0..<(order.count - 1)).map { j in
            let a = order[j], b = order[j + 1]
            let ratio = errors[a] / errors[b]
            guard ratio > 0 else { return nil }
            let q = log(ratio) / log(timeSteps[a] / timeSteps[b])
            return q.isFinite ? q : nil
        }
    }

    // MARK: - shared data

    /// Flattened samples with per-level means and the cross-level sample covariance.
    struct LevelData {
        let timeSteps: [Double]
        let levels: Int
        let trajectories: Int
        /// s[m·K + k].
        let flat: [Double]
        let means: [Double]
        /// Unbiased sample covariance of (s_·k, s_·l) across trajectories (not divided by M).
        let sampleCovariance: Matrix
        let levelErrors: [Estimate]

        init(_ input: OrderFitInput) throws {
            let k = input.timeSteps.count, m = input.samples.count
            guard k >= 2 else { throw FitInputError("order fit needs K ≥ 2 step sizes, got \(k)") }
            guard m >= 2 else { throw FitInputError("order fit needs M ≥ 2 trajectories, got \(m)") }
            guard input.timeSteps.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw FitInputError("order fit: step sizes must be finite and > 0, got \(input.timeSteps)")
            }
            guard Set(input.timeSteps).count >= 2 else { throw FitInputError("order fit needs at least two distinct step sizes") }
            var flat = [Double]()
            flat.reserveCapacity(k * m)
            for (index, row) in input.samples.enumerated() {
                guard row.count == k else {
                    throw FitInputError("order fit: trajectory \(index) has \(row.count) samples, expected one per step size (\(k))")
                }
                guard row.allSatisfy(\.isFinite) else { throw FitInputError("order fit: trajectory \(index) has non-finite samples") }
                if input.measure == .rootMeanSquare, row.contains(where: { $0 < 0 }) {
                    throw FitInputError("order fit: trajectory \(index) has a negative mean squared error")
                }
                flat.append(contentsOf: row)
            }
            var means = [Double](repeating: 0, count: k)
            for t in 0..<m { for l in 0..<k { means[l] += flat[t * k + l] } }
            for l in 0..<k { means[l] /= Double(m) }
            var cov = Matrix(rows: k, columns: k)
            var centred = [Double](repeating: 0, count: k)
            for t in 0..<m {
                for l in 0..<k { centred[l] = flat[t * k + l] - means[l] }
                for a in 0..<k { for b in 0...a { cov[a, b] += centred[a] * centred[b] } }
            }
            for a in 0..<k {
                for b in 0...a {
                    cov[a, b] /= Double(m - 1)
                    cov[b, a] = cov[a, b]
                }
            }
            let count = Double(m)
            let levelErrors: [Estimate] = (0..<k).map { l in
                let seMean = (max(0, cov[l, l]) / count).squareRoot()
                switch input.measure {
                case .signedMean:
                    return Estimate(value: means[l], standardError: seMean, count: m)
                case .rootMeanSquare:
                    return Estimate.rootMeanSquare(ofMeanSquare: Estimate(value: means[l], standardError: seMean, count: m))
                }
            }
            self.timeSteps = input.timeSteps
            self.levels = k
            self.trajectories = m
            self.flat = flat
            self.means = means
            self.sampleCovariance = cov
            self.levelErrors = levelErrors
        }

        /// Per-level means over a resample of trajectories.
        func resampledMeans(_ indices: [Int], into sums: inout [Double]) {
            let k = levels
            precondition(sums.count == k, "resampled means buffer has \(sums.count) entries for \(k) levels")
            let n = Double(indices.count)
            flat.withUnsafeBufferPointer { s in
                indices.withUnsafeBufferPointer { idx in
                    sums.withUnsafeMutableBufferPointer { out in
                        let s = s.baseAddress!, out = out.baseAddress!
                        for l in 0..<k { out[l] = 0 }
                        for t in idx {
                            let row = s + t * k
                            for l in 0..<k { out[l] += row[l] }
                        }
                        for l in 0..<k { out[l] /= n }
                    }
                }
            }
        }
    }

    struct Fitted {
        var order: Double
        var ci: (lower: Double, upper: Double)
        var bootstrapCI: (lower: Double, upper: Double)?
        var standardError: Double
        var prefactor: Double
        var lackOfFitP: Double?
        var informative: [Bool]
        var warnings: [String]
        var method: String
    }

    // MARK: - rootMeanSquare: log space

    static func fitLogSpace(_ data: LevelData, bootstrap: PairedBootstrap?, settings: Settings) throws -> Fitted {
        let m = data.trajectories
        let usable = (0..<data.levels).filter { data.means[$0] > 0 }
        guard usable.count >= 2, Set(usable.map { data.timeSteps[$0] }).count >= 2 else {
            throw FitInputError("rootMeanSquare order fit needs at least two levels with positive mean squared error at distinct step sizes; got \(usable.count)")
        }
        var warnings: [String] = []
        let excluded = (0..<data.levels).filter { data.means[$0] <= 0 }
        if !excluded.isEmpty {
            warnings.append("levels \(excluded.map(String.init).joined(separator: ", ")) (input order) have zero error and were left out of the log-space fit")
        }
        let informative = data.levelErrors.map { e in
            e.value > 0 && e.standardError / e.value < settings.maximumRelativeStandardError
        }
        let x = usable.map { log(data.timeSteps[$0]) }
        let y = usable.map { log(data.levelErrors[$0].value) }
        let relativeVariance = usable.map { k -> Double in
            let r = data.levelErrors[k].standardError / data.levelErrors[k].value
            return r * r
        }
        // Zero sample variance (identical trajectories) would give infinite weight: floor it at the
        // smallest positive relative variance; with none at all the data carry no noise estimate.
        let positive = relativeVariance.filter { $0 > 0 && $0.isFinite }
        let noiseless = positive.isEmpty
        let floorVariance = positive.min() ?? 1
        let weights = relativeVariance.map { 1 / (($0 > 0 && $0.isFinite) ? $0 : floorVariance) }
        if !noiseless && positive.count < usable.count {
            warnings.append("levels with zero sample variance were weighted as the most precise other level")
        }
        let wls = try WeightedLinearFit(x: x, y: y, weights: weights)
        let t = Distributions.studentT95(degreesOfFreedom: Double(m - 1))
        let dof = usable.count - 2

        var gls: GeneralizedLeastSquares?
        if noiseless {
            warnings.append("all trajectories agree at every level: no noise estimate, so the CI reflects residual scatter only")
        } else if m <= usable.count {
            warnings.append("M = \(m) trajectories ≤ K = \(usable.count) levels: the cross-level covariance is singular, CI from WLS (ignores correlation between levels)")
        } else {
            var sigma = Matrix(rows: usable.count, columns: usable.count)
            for (a, ka) in usable.enumerated() {
                for (b, kb) in usable.enumerated() {
                    sigma[a, b] = 0.25 * data.sampleCovariance[ka, kb] / (Double(m) * data.means[ka] * data.means[kb])
                }
            }
            var design = Matrix(rows: usable.count, columns: 2)
            for i in 0..<usable.count { design[i, 0] = 1; design[i, 1] = x[i] }
            do {
                gls = try GeneralizedLeastSquares(design: design, observations: y, covariance: sigma, ridgeFactor: settings.ridgeFactor)
                if let g = gls, g.ridge > 0 { warnings.append("cross-level covariance was not positive definite: ridge \(format(g.ridge)) added") }
            } catch {
                warnings.append("GLS failed (\(error)); CI from WLS (ignores correlation between levels)")
            }
        }

        let order: Double, standardError: Double, intercept: Double, chiSquared: Double, method: String
        let slopeWeights: [Double]
        if let g = gls {
            order = g.coefficients[1]
            intercept = g.coefficients[0]
            standardError = g.covariance[1, 1].squareRoot()
            chiSquared = g.chiSquared
            slopeWeights = (0..<usable.count).map { g.estimator[1, $0] }
            method = "log-space GLS (cross-level covariance)"
        } else {
            order = wls.slope
            intercept = wls.intercept
            if noiseless {
                standardError = dof > 0 ? (wls.cov11 * wls.chiSquared / Double(dof)).squareRoot() : 0
            } else {
                standardError = wls.slopeStandardError
            }
            chiSquared = wls.chiSquared
            // WLS slope = Σ w_i (x_i − x̄_w) y_i / Σ w_i (x_i − x̄_w)².
            let sw = weights.reduce(0, +)
            let xBar = zip(weights, x).map { $0 * $1 }.reduce(0, +) / sw
            let sxx = zip(weights, x).map { $0 * ($1 - xBar) * ($1 - xBar) }.reduce(0, +)
            slopeWeights = zip(weights, x).map { $0 * ($1 - xBar) / sxx }
            method = "log-space WLS (GLS unavailable)"
        }
        let lackOfFitP: Double? = (dof > 0 && !noiseless) ? Distributions.chiSquaredUpperTail(chiSquared, degreesOfFreedom: Double(dof)) : nil

        var bootstrapCI: (lower: Double, upper: Double)?
        if let bootstrap {
            var means = [Double](repeating: 0, count: data.levels)
            let replicates = bootstrap.replicateStatistics(count: m) { indices in
                data.resampledMeans(indices, into: &means)
                var slope = 0.0
                for (i, k) in usable.enumerated() { slope += slopeWeights[i] * 0.5 * log(means[k]) }
                return slope
            }
            bootstrapCI = PairedBootstrap.percentileInterval(of: replicates, level: 0.95)
        }
        return Fitted(order: order, ci: (order - t * standardError, order + t * standardError), bootstrapCI: bootstrapCI,
                      standardError: standardError, prefactor: exp(intercept), lackOfFitP: lackOfFitP,
                      informative: informative, warnings: warnings, method: method)
    }

    // MARK: - signedMean: linear-space profile

    static func fitLinearSpace(_ data: LevelData, bootstrap: PairedBootstrap?, settings: Settings) -> Fitted {
        let k = data.levels, m = data.trajectories
        var warnings: [String] = []
        let informative = data.levelErrors.map { e in
            e.value != 0 && abs(e.value) >= settings.informativeSignalToNoise * e.standardError
        }
        if !informative.contains(true) {
            warnings.append("no level is informative: C·τ^q cannot be fitted meaningfully; the order and its CI reflect noise only")
        }

        // Whitening v ↦ L⁻¹v with Σ = Ĉov/M = LLᵀ, falling back to the diagonal SEs, then to none.
        var whiten: ([Double]) -> [Double] = { $0 }
        var method = "linear-space profile least squares (unweighted: no noise estimate)"
        var weighted = false
        var sigma = Matrix(rows: k, columns: k)
        for i in 0..<(k * k) { sigma.elements[i] = data.sampleCovariance.elements[i] / Double(m) }
        if m > k, let w = try? GeneralizedLeastSquares.Whitening(covariance: sigma, ridgeFactor: settings.ridgeFactor) {
            whiten = { w.whiten($0) }
            method = "linear-space profile GLS (cross-level covariance)"
            weighted = true
            if w.ridge > 0 { warnings.append("cross-level covariance was not positive definite: ridge \(format(w.ridge)) added") }
        } else {
            let se = data.levelErrors.map(\.standardError)
            if let floorSE = se.filter({ $0 > 0 }).min() {
                let scale = se.map { $0 > 0 ? $0 : floorSE }
                whiten = { v in zip(v, scale).map { $0 / $1 } }
                method = "linear-space profile WLS (per-level SEs; cross-level covariance unavailable)"
                weighted = true
                warnings.append(m <= k
                    ? "M = \(m) trajectories ≤ K = \(k) levels: cross-level covariance singular, fit weighted by per-level SEs only"
                    : "cross-level covariance not positive definite: fit weighted by per-level SEs only")
            } else {
                warnings.append("all trajectories agree at every level: no noise estimate, fit unweighted")
            }
        }

        // Normalised abscissae r_k = τ_k/τ_ref (τ_ref the geometric mean) keep τ^q well scaled.
        let logTau = data.timeSteps.map { log($0) }
        let logRef = logTau.reduce(0, +) / Double(k)
        let logR = logTau.map { $0 - logRef }
        let whiteB = whiten(data.means)
        let bNorm2 = whiteB.reduce(0) { $0 + $1 * $1 }
        func whitenedModel(_ q: Double) -> [Double] { whiten(logR.map { exp(q * $0) }) }
        func chiSquared(_ q: Double) -> Double {
            let f = whitenedModel(q)
            var fb = 0.0, ff = 0.0
            for i in 0..<k { fb += f[i] * whiteB[i]; ff += f[i] * f[i] }
            return ff > 0 ? max(0, bNorm2 - fb * fb / ff) : bNorm2
        }

        let lowQ = settings.profileRange.lowerBound, highQ = settings.profileRange.upperBound
        let gridCount = Int(((highQ - lowQ) / settings.profileStep).rounded()) + 1
        let grid = (0..<gridCount).map { min(highQ, lowQ + Double($0) * settings.profileStep) }
        // Unit whitened model vectors u(q) = f̃/|f̃|: χ²(q) = |b̃|² − (u·b̃)².
        var units = [Double](repeating: 0, count: gridCount * k)
        var profile = [Double](repeating: 0, count: gridCount)
        for (g, q) in grid.enumerated() {
            let f = whitenedModel(q)
            let norm = f.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var ub = 0.0
            for i in 0..<k {
                let u = norm > 0 ? f[i] / norm : 0
                units[g * k + i] = u
                ub += u * whiteB[i]
            }
            profile[g] = max(0, bNorm2 - ub * ub)
        }
        let best = profile.indices.min { profile[$0] < profile[$1] }!

        // Golden-section refinement on the bracketing grid cells.
        var a = grid[max(0, best - 1)], b = grid[min(gridCount - 1, best + 1)]
        let golden = (5.0.squareRoot() - 1) / 2
        var c = b - golden * (b - a), d = a + golden * (b - a)
        var fc = chiSquared(c), fd = chiSquared(d)
        for _ in 0..<60 where b - a > 1e-12 {
            if fc < fd { b = d; d = c; fd = fc; c = b - golden * (b - a); fc = chiSquared(c) }
            else { a = c; c = d; fc = fd; d = a + golden * (b - a); fd = chiSquared(d) }
        }
        var order = (a + b) / 2
        var chiMin = chiSquared(order)
        if profile[best] < chiMin { order = grid[best]; chiMin = profile[best] }

        let t = Distributions.studentT95(degreesOfFreedom: Double(m - 1))
        let threshold = t * t
        let inside = profile.indices.filter { profile[$0] - chiMin <= threshold }
        let firstInside = inside.first ?? best, lastInside = inside.last ?? best
        func bisect(outside: Double, inside: Double) -> Double {
            var o = outside, i = inside
            for _ in 0..<60 where abs(o - i) > 1e-12 {
                let mid = (o + i) / 2
                if chiSquared(mid) - chiMin <= threshold { i = mid } else { o = mid }
            }
            return i
        }
        let lower = firstInside == 0 ? grid[0] : bisect(outside: grid[firstInside - 1], inside: grid[firstInside])
        let upper = lastInside == gridCount - 1 ? grid[gridCount - 1] : bisect(outside: grid[lastInside + 1], inside: grid[lastInside])
        if firstInside == 0 || lastInside == gridCount - 1 {
            warnings.append("profile-likelihood CI unbounded: clipped to the search grid [\(format(lowQ)), \(format(highQ))]")
        }

        let f = whitenedModel(order)
        var fb = 0.0, ff = 0.0
        for i in 0..<k { fb += f[i] * whiteB[i]; ff += f[i] * f[i] }
        let scaledPrefactor = ff > 0 ? fb / ff : 0
        let prefactor = scaledPrefactor * exp(-order * logRef)
        let lackOfFitP: Double? = (k > 2 && weighted) ? Distributions.chiSquaredUpperTail(chiMin, degreesOfFreedom: Double(k - 2)) : nil

        var bootstrapCI: (lower: Double, upper: Double)?
        if let bootstrap {
            var means = [Double](repeating: 0, count: k)
            let replicates = bootstrap.replicateStatistics(count: m) { indices in
                data.resampledMeans(indices, into: &means)
                let wb = whiten(means)
                var bestG = 0, bestProjection = -1.0
                units.withUnsafeBufferPointer { u in
                    for g in 0..<gridCount {
                        var s = 0.0
                        for i in 0..<k { s += u[g * k + i] * wb[i] }
                        if s * s > bestProjection { bestProjection = s * s; bestG = g }
                    }
                }
                return grid[bestG]
            }
            bootstrapCI = PairedBootstrap.percentileInterval(of: replicates, level: 0.95)
        }
        return Fitted(order: order, ci: (lower, upper), bootstrapCI: bootstrapCI, standardError: (upper - lower) / (2 * t),
                      prefactor: prefactor, lackOfFitP: lackOfFitP, informative: informative, warnings: warnings, method: method)
    }

    /// A short decimal rendering for warnings (4 significant digits) without Foundation.
    static func format(_ x: Double) -> String {
        guard x.isFinite, x != 0 else { return "\(x)" }
        let magnitude = Int(log10(abs(x)).rounded(.down))
        if magnitude < -4 || magnitude > 6 {
            let scale = pow(10.0, Double(magnitude))
            return "\(((x / scale) * 1000).rounded() / 1000)e\(magnitude)"
        }
        let scale = pow(10.0, Double(3 - magnitude))
        return "\((x * scale).rounded() / scale)"
    }
}
