import CNumerics

/// A high-accuracy adaptive solver for y′ = f(t, y), y ∈ ℝⁿ: GSL's odeiv2 driver with the
/// embedded Runge–Kutta–Prince–Dormand 8(9) stepper (`gsl_odeiv2_step_rk8pd`) and the
/// standard step control, which keeps every local error estimate below
///
///     Dᵢ = absoluteTolerance + relativeTolerance·|yᵢ|.
///
/// It is the deterministic reference of the toolkit: with
/// the default tolerances 1e-12 / 1e-12 the global error on smooth, non-stiff problems over
/// O(1) horizons is typically 1e-11 or below (it is not guaranteed by a local control: check it
/// against a fine fixed-step solution when it matters).
///
/// The right-hand side is a Swift closure `(t, y, dydt)`; it reaches the C callback through the
/// system's `params` pointer (`Unmanaged`, unretained: the solver outlives every call it makes),
/// so the callback captures nothing. Swift errors cannot cross C: the closure cannot throw. A
/// right-hand side that returns a non-finite component stops the driver (`GSL_EBADFUNC`), which
/// ``solve(_:from:to:)`` reports as a ``NumericalLibraryError``.
///
/// One solver owns one driver (stepper, control, evolve) and one heap-allocated
/// `gsl_odeiv2_system` (the driver keeps the pointer); all are made once and freed in `deinit`,
/// so repeated solves allocate nothing. Not thread-safe: one solver per task.
///
/// Reference: GSL manual, "Ordinary Differential Equations" (gsl_odeiv2); Prince & Dormand,
/// J. Comput. Appl. Math. 7 (1981) 67–75.
public final class AdaptiveODESolver {
    /// The right-hand side f: (t, y, dydt) with y and dydt of ``dimension`` entries; it must write
    /// every entry of dydt.
    public typealias RightHandSide = (Double, UnsafePointer<Double>, UnsafeMutablePointer<Double>) -> Void

    public let dimension: Int
    public let absoluteTolerance: Double
    public let relativeTolerance: Double
    /// The size of the first trial step (its sign is set by the direction of integration).
    public let initialStep: Double
    /// The most steps one ``solve(_:from:to:)`` may take before it fails with `GSL_EMAXITER`.
    public let maximumSteps: Int

    /// Accepted steps of the last ``solve(_:from:to:)`` (the driver's `n`).
    public private(set) var stepsTaken: Int = 0
    /// Rejected trial steps of the last solve (the evolve object's `failed_steps`).
    public private(set) var stepsRejected: Int = 0
    /// Right-hand-side evaluations of the last solve.
    public private(set) var functionEvaluations: Int = 0

    private let rightHandSide: RightHandSide
    private let system: UnsafeMutablePointer<gsl_odeiv2_system>
    private let driver: UnsafeMutablePointer<gsl_odeiv2_driver>

    /// - Parameters:
    ///   - dimension: n ≥ 1, the number of unknowns.
    ///   - absoluteTolerance: local error bound, absolute part (default 1e-12).
    ///   - relativeTolerance: local error bound, relative part (default 1e-12).
    ///   - initialStep: first trial step (default 1e-3; the controller adapts it at once).
    ///   - maximumSteps: step budget per solve (default 10⁶).
    ///   - rightHandSide: f(t, y, dydt).
    public init(dimension: Int, absoluteTolerance: Double = 1e-12, relativeTolerance: Double = 1e-12,
                initialStep: Double = 1e-3, maximumSteps: Int = 1_000_000,
                rightHandSide: @escaping RightHandSide) {
        precondition(dimension >= 1, "AdaptiveODESolver: dimension \(dimension) < 1")
        precondition(absoluteTolerance >= 0 && relativeTolerance >= 0 && absoluteTolerance + relativeTolerance > 0
                     && absoluteTolerance.isFinite && relativeTolerance.isFinite,
                     "AdaptiveODESolver: tolerances abs = \(absoluteTolerance), rel = \(relativeTolerance)")
        precondition(initialStep > 0 && initialStep.isFinite, "AdaptiveODESolver: initial step \(initialStep)")
        precondition(maximumSteps >= 1, "AdaptiveODESolver: maximum steps \(maximumSteps)")
        GSLRuntime.prepare()
        self.dimension = dimension
        self.absoluteTolerance = absoluteTolerance
        self.relativeTolerance = relativeTolerance
        self.initialStep = initialStep
        self.maximumSteps = maximumSteps
        self.rightHandSide = rightHandSide
        // The system's params are filled in below, once `self` exists.
        guard let system = cnumerics_odeiv2_system_alloc(adaptiveODESolverCallback, dimension, nil) else {
            preconditionFailure("cnumerics_odeiv2_system_alloc failed (out of memory)")
        }
        guard let driver = gsl_odeiv2_driver_alloc_y_new(system, cnumerics_odeiv2_step_rk8pd(), initialStep,
                                                         absoluteTolerance, relativeTolerance) else {
            cnumerics_odeiv2_system_free(system)
            preconditionFailure("gsl_odeiv2_driver_alloc_y_new failed (dimension \(dimension))")
        }
        _ = gsl_odeiv2_driver_set_nmax(driver, UInt(maximumSteps))
        self.system = system
        self.driver = driver
        system.pointee.params = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        gsl_odeiv2_driver_free(driver)
        cnumerics_odeiv2_system_free(system)
    }

    /// Integrates y′ = f(t, y) from t0 to t1 (either direction), replacing y(t0) by y(t1).
    ///
    /// Each call starts afresh (driver reset, first trial step ``initialStep``), so the result
    /// depends only on (y, t0, t1). On failure y holds the state after the last accepted step.
    ///
    /// - Throws: ``NumericalLibraryError`` with routine "gsl_odeiv2_driver_apply" and GSL's status
    ///   (e.g. `GSL_EMAXITER` when the step budget is spent, `GSL_ENOPROG` when the step size
    ///   underflows, `GSL_EBADFUNC` when f returned a non-finite value).
    public func solve(_ y: inout [Double], from t0: Double, to t1: Double) throws {
        precondition(y.count == dimension, "AdaptiveODESolver: state has \(y.count) entries, dimension is \(dimension)")
        precondition(t0.isFinite && t1.isFinite, "AdaptiveODESolver: times \(t0) → \(t1)")
        GSLRuntime.prepare()
        stepsTaken = 0
        stepsRejected = 0
        functionEvaluations = 0
        guard t0 != t1 else { return }
        let reset = gsl_odeiv2_driver_reset_hstart(driver, t1 > t0 ? initialStep : -initialStep)
        guard reset == GSL_SUCCESS else {
            throw NumericalLibraryError(routine: "gsl_odeiv2_driver_reset_hstart", status: Int(reset))
        }
        var t = t0
        let status = y.withUnsafeMutableBufferPointer { gsl_odeiv2_driver_apply(driver, &t, t1, $0.baseAddress) }
        stepsTaken = Int(driver.pointee.n)
        stepsRejected = Int(driver.pointee.e.pointee.failed_steps)
        guard status == GSL_SUCCESS else {
            throw NumericalLibraryError(routine: "gsl_odeiv2_driver_apply", status: Int(status))
        }
    }

    /// Called from C through the system's function pointer.
    fileprivate func evaluate(_ t: Double, _ y: UnsafePointer<Double>, _ dydt: UnsafeMutablePointer<Double>) -> Int32 {
        functionEvaluations += 1
        rightHandSide(t, y, dydt)
        for k in 0..<dimension where !dydt[k].isFinite { return Int32(GSL_EBADFUNC) }
        return Int32(GSL_SUCCESS)
    }
}

/// The C right-hand side: recovers the solver from `params` and calls its Swift closure.
private func adaptiveODESolverCallback(_ t: Double, _ y: UnsafePointer<Double>?, _ dydt: UnsafeMutablePointer<Double>?,
                                       _ params: UnsafeMutableRawPointer?) -> Int32 {
    guard let params, let y, let dydt else { return Int32(GSL_EFAULT) }
    return Unmanaged<AdaptiveODESolver>.fromOpaque(params).takeUnretainedValue().evaluate(t, y, dydt)
}
