import Estimators
import Foundation
import NumericsCore
import Synchronization
import ParticleSystems

/// The long-time (sampling) error of the Random Batch Method with Euler–Maruyama (RBM-1) on the
/// linear system, whose invariant measure is Gaussian in closed form
/// (``LinearMeanFieldMoments/stationarySecondMoment``).
///
/// For each batch size p, time step τ and trajectory r (streams keyed by (seed, r, purpose,
/// index), X(0) shared by every (p, τ) of a trajectory): B/τ burn-in steps, then the time
/// average Aᵣ = (1/K)Σ_{k=1}^{K} f(X_{B/τ+k}) over K = L/τ steps, f = (1/N)Σ‖Xᵢ‖², and the final
/// value f(X(B + L)) (the law at large t).
///
/// **Estimates and their SEs.** The R time averages are independent, so their mean ± s/√R is a
/// valid interval whatever the autocorrelation inside a trajectory (no batch means needed: each
/// trajectory is one batch). Its target is known exactly: the expected time average of this very
/// scheme, from the exact moment recursion (``LinearMeanFieldMoments/randomBatchTimeAverage(burnInSteps:averagedSteps:timeStep:batchSize:)``),
/// so the interval's coverage is measured without any model error (the tests do it over seeds).
/// The sampling error is Aᵣ − m∞ with m∞ the invariant E f of the exact SDE; its exact value
/// is the RBM fixed point minus m∞ plus the remaining transient (printed: burn-in residual).
///
/// **Theory.** Ye–Zhou (arXiv 2206.02166): the law of the discrete RBM at time t is within
/// O(√τ + e^{−λt}) of the invariant distribution of the particle system in Wasserstein distance,
/// λ independent of τ, p and N — an upper bound, printed as the order 1/2 beside the fitted
/// order of the signed sampling error b(τ) = C·τ^q (``OrderFit``, linear space). For this
/// linear system the exact recursion gives the actual error of E f, whose local orders are
/// printed beside.
///
/// Bit-identical for any thread count. Cost: R·|p|·Σ_τ ((B + L)/τ)·N·(p − 1) pair interactions.
public enum LongTimeSamplingStudy {
    struct Run {
        var timeAverage: Double
        var final: Double
        var finite: Bool
    }

    public static func run(_ c: LongTimeConfiguration, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> LongTimeReport {
        try c.validate()
        let start = Date()
        let problem = c.problem
        let units = c.trajectories * c.batchSizes.count * c.timeSteps.count
        var runs = [Run?](repeating: nil, count: units)
        let done = Mutex(0)
        runs.withUnsafeMutableBufferPointer { slots in
            let slots = DisjointOutput(slots)  // unit u writes only slot u
            parallelForEach(units, threads: c.threads) { u in
                let r = u / (c.batchSizes.count * c.timeSteps.count)
                let b = (u / c.timeSteps.count) % c.batchSizes.count, k = u % c.timeSteps.count
                slots[u] = runUnit(trajectory: r, batch: b, level: k, configuration: c, problem: problem)
                let count = done.withLock { $0 += 1; return $0 }
                progress?(count, units)
            }
        }
        let all = runs.map { $0! }
        let bad = all.filter { !$0.finite }.count
        guard bad == 0 else { throw NumericalFailure("\(bad) of \(units) runs became non-finite: use smaller --dt") }
        return try LongTimeReport.assemble(configuration: c, runs: all, wallSeconds: Date().timeIntervalSince(start))
    }

    /// One (trajectory, batch size, step): burn-in, then the time average and the final value.
    static func runUnit(trajectory r: Int, batch b: Int, level k: Int, configuration c: LongTimeConfiguration,
                        problem: ParticleProblem) -> Run {
        let n = c.particles, d = c.dimension, size = n * d, t64 = UInt64(r), tau = c.timeSteps[k]
        var x = [Double](repeating: 0, count: size)
        problem.initialCondition.fill(&x, particles: n, dimension: d,
                                      stream: RandomStream(seed: c.seed, trajectory: t64, purpose: .initialCondition))
        let index = UInt32(b << 8 | k)
        let brownian = RandomStream(seed: c.seed, trajectory: t64, purpose: .brownianNoise, index: index)
        let batches = RandomStream(seed: c.seed, trajectory: t64, purpose: .batchPartition, index: index)
        let drift = ParticleDrift(problem: problem, estimator: RandomBatchInteractionSum(batchSize: c.batchSizes[b]))
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let euler = EulerMaruyamaIntegrator()
        var increment = [Double](repeating: 0, count: size)
        let burn = c.steps(c.burnIn, of: tau), averaged = c.steps(c.averagingTime, of: tau)
        var sum = 0.0
        for s in 0..<(burn + averaged) {
            brownian.fillGaussian(&increment, scale: tau.squareRoot())
            increment.withUnsafeBufferPointer { dW in
                euler.step(&x, timeStep: tau, brownianIncrement: dW, drift: drift, workspace: workspace, stream: batches)
            }
            if s >= burn { sum += ConvergenceStudy.secondMoment(x, particles: n) }
        }
        let final = ConvergenceStudy.secondMoment(x, particles: n)
        return Run(timeAverage: sum / Double(averaged), final: final, finite: final.isFinite && sum.isFinite)
    }
}
