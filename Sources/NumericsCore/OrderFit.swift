import CNumerics

/// What the per-trajectory samples of an order fit measure.
public enum ErrorMeasure: String, Codable, Sendable {
    /// Samples are per-trajectory mean squared errors; the level error is e_k = √(mean_m samples[m][k]).
    case rootMeanSquare
    /// Samples are per-trajectory paired differences f(X̃) − f(X); the level error is the
    /// signed mean b_k = mean_m samples[m][k] (a weak error, which may change sign).
    case signedMean
}

/// How the 95% interval of an order fit was formed.
public enum OrderIntervalKind: String, Codable, Sendable {
    /// q̂ ± t·SE with the delta-method (sandwich) SE of a fixed-weight fit: valid for the fitted
    /// slope whether or not the power law holds.
    case deltaMethod
    /// The profile-likelihood interval of a linear-space (signed) fit.
    case profile
    /// The hull of the statistical interval and every local order's 95% interval: used when a
    /// single order does not summarise the grid (significant lack of fit, or deterministic
    /// errors whose misfit is model error, not noise).
    case localOrderRange
}

/// The data of an order-of-convergence fit: K step sizes and, for each of M independent
/// trajectories, one error sample per step size (the same trajectory's noise at every level).
public struct OrderFitInput: Sendable {
    /// τ_k, K ≥ 2 levels, all > 0, any grid (not only halving), in any order.
    public var timeSteps: [Double]
    /// samples[m][k]: trajectory m (M ≥ 2) at level k.
    public var samples: [[Double]]
    public var measure: ErrorMeasure
    /// The order the theory predicts, if any (reported beside the fit; verdicts use it).
    public var theoryOrder: Double?
    /// h > 0 when the error is measured against a reference at step h computed by the same
    /// scheme on the same noise (see ``ErrorShape``); 0 for an exact or high-order reference.
    public var referenceStep: Double
    /// True when the errors are deterministic functions of the initial state (σ = 0): their
    /// misfit to a power law is model error, so the interval always spans the local orders.
    public var deterministic: Bool

    public init(timeSteps: [Double], samples: [[Double]], measure: ErrorMeasure, theoryOrder: Double? = nil,
                referenceStep: Double = 0, deterministic: Bool = false) {
        self.timeSteps = timeSteps
        self.samples = samples
        self.measure = measure
        self.theoryOrder = theoryOrder
        self.referenceStep = referenceStep
        self.deterministic = deterministic
    }
}

/// An estimated order of convergence with its 95% interval, local orders and diagnostics.
/// Intervals are 95%; standard errors are 1σ.
public struct OrderFitResult: Codable, Sendable, Equatable {
    /// q̂: the least-squares slope of log e against log τ (or of the shape C(τ^q − h^q)).
    public var order: Double
    /// [lo, hi]; see `intervalKind`.
    public var ci95: [Double]
    public var intervalKind: OrderIntervalKind
    /// [lo, hi]: percentile interval of a trajectory bootstrap that refits every replicate (an
    /// independent check of the delta method, not a calibrated interval: with M = 100 it covered
    /// 87.5–100% in calibration runs); nil when no bootstrap ran.
    public var bootstrapCI95: [Double]?
    /// 1σ of q̂ (delta method), or (hi − lo)/(2t) of the profile interval.
    public var standardError: Double
    /// C in e = C·τ^q (or C(τ^q − h^q)).
    public var prefactor: Double
    /// Local orders between consecutive levels sorted by τ descending (for h > 0, the q that
    /// makes C(τ^q − h^q) pass through both levels); nil where undefined.
    public var localOrders: [Double?]
    /// 1σ of each local order (delta method with the cross-level covariance).
    public var localOrderStandardErrors: [Double?]
    /// The local order of the two finest levels with its SE: the best estimate of the
    /// asymptotic order when the grid is pre-asymptotic.
    public var asymptoticOrder: Estimate?
    /// Upper-tail probability of the lack-of-fit statistic (Hotelling-type F on the GLS residual
    /// χ² with the estimated cross-level covariance); nil when it cannot be formed (K = 2, M ≤ K,
    /// or no noise).
    public var lackOfFitP: Double?
    /// False when the power law does not describe the levels (lackOfFitP below the level, or
    /// deterministic errors that miss the model): a single order is then not a summary.
    public var singleOrderAdequate: Bool
    public var theoryOrder: Double?
    public var referenceStep: Double
    /// Per-level error (e_k or b_k) with its SE and trajectory count, in input order.
    public var levelErrors: [Estimate]
    /// signedMean: |b_k| ≥ 2·SE; rootMeanSquare: SE(e_k)/e_k < 0.5. Input order.
    public var informativeLevels: [Bool]
    /// Diagnostics of the fit (not warnings: the verdict layer decides what is a problem).
    public var notes: [String]
    /// Which estimator produced `order`.
    public var method: String
}

/// Order-of-convergence fits.
///
/// **rootMeanSquare** (log space). S_k = mean_m s_mk, y_k = log e_k = ½ log S_k. The order is
/// the *unweighted* least-squares slope of y on log τ (or, with a reference step h, the
/// least-squares fit of y_k = log C + log(τ_k^q − h^q), profiled in q). The weights are fixed
/// by design, not estimated, so q̂ = F(y) is a smooth function of the level means and its
/// variance follows from the delta method whether or not the model holds (a sandwich
/// estimator): Var q̂ = ∇Fᵀ Σ_y ∇F with Σ_y = ¼·Ĉov(s_·k, s_·l)/(M S_k S_l), the sample
/// covariance of the per-trajectory errors (levels share noise, so they are correlated).
/// ci95 = q̂ ± t_{0.975, M−1}·SE. A slope fitted with an *estimated* GLS covariance would be
/// more efficient when the model holds but varies with that estimate when it does not (here the
/// rule rather than the exception), which a model-based SE ignores: measured coverage of such
/// intervals was 50–67% on the default study, against 95% for this one.
///
/// Lack of fit: the GLS residual χ² with Σ_y, turned into a Hotelling-type statistic
/// F = χ²·(M − d)/(d·(M − 1)) on (d, M − d) degrees of freedom, d = K − 2 (the estimated
/// covariance makes plain χ²_d anticonservative at moderate M). When it is significant at
/// `Settings.lackOfFitLevel`, or the errors are deterministic and miss the model, the interval
/// becomes the hull of the statistical interval and the local orders' intervals, and
/// ``OrderFitResult/singleOrderAdequate`` is false.
///
/// **signedMean** (linear space). b_k = C τ_k^q (+ D when h > 0: the reference's own weak bias
/// is a constant offset) with Cov b̂ = Ĉov/M. For fixed q the linear parameters have a
/// closed-form GLS value, leaving the profile χ²(q); its 95% set {χ²(q) − χ²_min ≤ t²} is the
/// interval (Venzon & Moolgavkar, Appl. Stat. 37 (1988)), clipped to `profileRange`.
///
/// Bootstrap: every replicate recomputes the level means from resampled trajectories and refits
/// with the same estimator (Efron & Tibshirani 1993, percentile interval). Cost
/// O(R·(M·K + G·K)) for R replicates and a profile grid of G points.
public enum OrderFit {
    /// Tunable constants of the fit, with their documented defaults.
    public struct Settings: Sendable {
        /// Grid of orders searched by the profile fits.
        public var profileRange: ClosedRange<Double> = -1.0...4.0
        public var profileStep: Double = 1e-3
        /// Lack-of-fit p-value below which a single order is not a summary of the grid.
        public var lackOfFitLevel: Double = 0.01
        /// signedMean: a level is informative when |b_k| ≥ this many SEs.
        public var informativeSignalToNoise: Double = 2
        /// rootMeanSquare: a level is informative when SE(e_k)/e_k is below this.
        public var maximumRelativeStandardError: Double = 0.5
        /// Relative ridge for a covariance that is not positive definite (see ``GeneralizedLeastSquares``).
        public var ridgeFactor: Double = 1e-12

        public init() {}
    }

    /// Fits the order (see the type's documentation).
    ///
    /// - Parameters:
    ///   - bootstrapReplicates: R for the bootstrap interval; 0 skips it.
    ///   - stream: the bootstrap's random stream (e.g. purpose `.bootstrap`).
    /// - Throws: ``FitInputError`` for malformed input (K < 2, M < 2, ragged samples, τ ≤ 0,
    ///   non-finite samples, negative mean squares, fewer than two levels with positive error
    ///   at distinct τ > h for rootMeanSquare, a negative replicate count or an empty grid).
    public static func fit(_ input: OrderFitInput, bootstrapReplicates: Int = 400, stream: RandomStream,
                           settings: Settings = Settings()) throws -> OrderFitResult {
        let data = try OrderFitLevelData(input)
        guard bootstrapReplicates >= 0 else { throw FitInputError("bootstrap replicates must be ≥ 0, got \(bootstrapReplicates)") }
        guard settings.profileStep > 0, settings.profileRange.upperBound > settings.profileRange.lowerBound else {
            throw FitInputError("order fit: empty profile grid \(settings.profileRange) step \(settings.profileStep)")
        }
        let bootstrap = bootstrapReplicates > 0 ? PairedBootstrap(replicates: bootstrapReplicates, stream: stream) : nil
        let shape = ErrorShape(referenceStep: input.referenceStep)
        switch input.measure {
        case .rootMeanSquare:
            return try LogSpaceOrderFit.fit(data, shape: shape, theory: input.theoryOrder,
                                            deterministic: input.deterministic, bootstrap: bootstrap, settings: settings)
        case .signedMean:
            return LinearSpaceOrderFit.fit(data, shape: shape, theory: input.theoryOrder,
                                           deterministic: input.deterministic, bootstrap: bootstrap, settings: settings)
        }
    }

    /// log(v_k/v_{k+1}) / log(τ_k/τ_{k+1}) over levels sorted by τ descending; nil when not finite
    /// or when v_k and v_{k+1} differ in sign or vanish. O(K log K).
    public static func localOrders(timeSteps: [Double], errors: [Double]) -> [Double?] {
        let order = timeSteps.indices.sorted { timeSteps[$0] > timeSteps[$1] }
        guard order.count >= 2, timeSteps.count == errors.count else { return [] }
        return (0..<(order.count - 1)).map { j in
            let a = order[j], b = order[j + 1]
            let ratio = errors[a] / errors[b]
            guard ratio > 0 else { return nil }
            let q = log(ratio) / log(timeSteps[a] / timeSteps[b])
            return q.isFinite ? q : nil
        }
    }

    /// p-value of the lack-of-fit χ² of d = n − 2 residual dimensions with a covariance
    /// estimated from M trajectories: Hotelling's T² scaling F = χ²(M − d)/(d(M − 1)) ~ F(d, M − d)
    /// (Anderson, *An Introduction to Multivariate Statistical Analysis*, 3rd ed., §5.2).
    public static func lackOfFitPValue(chiSquared: Double, residualDimensions d: Int, trajectories m: Int) -> Double? {
        guard d >= 1, m - d >= 1, chiSquared.isFinite else { return nil }
        let f = chiSquared * Double(m - d) / (Double(d) * Double(m - 1))
        return gsl_cdf_fdist_Q(f, Double(d), Double(m - d))
    }

    /// The hull of `interval` and of local ± t·SE over the defined local orders.
    public static func hull(_ interval: (Double, Double), local: [Double?], standardErrors: [Double?], t: Double) -> (Double, Double) {
        var (lo, hi) = interval
        for (q, se) in zip(local, standardErrors) {
            guard let q, q.isFinite else { continue }
            let half = (se ?? 0).isFinite ? t * (se ?? 0) : 0
            lo = min(lo, q - half)
            hi = max(hi, q + half)
        }
        return (lo, hi)
    }

    /// A short decimal rendering for notes (4 significant digits) without Foundation.
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
