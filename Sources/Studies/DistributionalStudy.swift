import Estimators
import Foundation
import NumericsCore
import Synchronization
import ParticleSystems

/// Errors *in law* of the Random Batch Method with replacement (RBM-r,
/// ``RandomBatchReplacementIntegrator``) against the time step τ: RBM-r moves particles at
/// random times, so it cannot share Brownian increments with the exact system pathwise and is
/// compared with it through distributions instead.
///
/// Per trajectory m (all streams keyed by (seed, m, purpose, index)):
/// - the exact system X: full Euler–Maruyama at h = finest τ / r from X(0) (initial-condition
///   stream 0, Brownian stream 0);
/// - an independent copy X′ of the exact system (initial-condition stream 1, Brownian stream 1);
/// - RBM-r X̃_τ at every τ from the same X′(0) as X′, with its own batch-and-noise stream per τ;
/// - an independent RBM-r copy X̃′_τ from X(0), with another stream per τ (for its own floor).
///
/// **Weak errors.** For each ``DistributionalObservable`` f: b(τ) = E f(X̃_τ(T)) − E f(X(T)),
/// estimated by the mean of f(X̃_τ) − c over trajectories, with c = the closed form of E f on
/// `linear` (the second moment; for the mean c = 0 exactly), else c = f(X′) (same X(0) as X̃,
/// which lowers the variance). SEs from the M independent trajectories. The order is the
/// signed (linear-space) fit of b = C·τ^q (+ D, the reference's own weak bias, when the
/// reference is X′) with its profile interval (``OrderFit``).
///
/// **W₂.** The M trajectories form G consecutive groups. For group g, μ̃_g, μ_g, μ′_g are the
/// empirical measures of all particles of X̃_τ, X and X′ in the group (n = M/G·N points each: by
/// exchangeability all estimate the one-particle marginal law, the quantity of Cai–Liu–Wang's
/// theorem). W₂² between two independent finite samples has a positive floor even between equal
/// laws: in one dimension E W₂²(A_n, B_n) = W₂²(A, B) + V_A + V_B + o(1/n), V the integrated
/// variance of the empirical quantile function, and an independent pair of one law measures
/// 2V. So each group gives
///
///     W₂²(μ̃_g, μ_g) − ½[W₂²(μ′_g, μ_g) + W₂²(μ̃′_g, μ̃_g)],
///
/// whose expectation is W₂²(law X̃, law X) up to the order statistics' o(1/n) bias (and 0
/// exactly when the laws agree). Subtracting the exact pair's floor alone would leave V_X̃ − V_X,
/// which is not 0 when RBM-r's law has other tails.
/// The mean over groups ± SE is the floor-corrected W₂², its root the distance; in d > 1
/// the distance is the sliced W₂ (``SlicedWasserstein``, F keyed random frames shared by every
/// group and level). The W₂ order is the log-space fit of √(corrected W₂²) = C·τ^q over the
/// levels whose corrected W₂² exceeds 2 SE (the others are lost in the floor's noise).
///
/// Theory beside the fits: Cai–Liu–Wang (arXiv 2407.19315) bound the W₂ distance between the
/// first marginals of the exact system and RBM-r by C√(1+T)·κ^{1/4} with diffusion and by
/// C·κ^{1/2} without, κ the time step at which batches are drawn, uniformly in N (for strongly
/// convex V and Lipschitz K). κ is here the pseudo-step h = τN/(⌈N/p⌉p) (= τ when p | N). Those
/// are upper bounds, so a measured order above them is consistent; this implementation also
/// advances each batch by one Euler step instead of exactly, which adds a first-order bias.
/// No weak-order theorem for RBM-r is cited: order 1 (the splitting and Euler steps are
/// first-order consistent) is printed as the expectation, and on `linear` the exact expected
/// RBM-r error (``LinearMeanFieldMoments``) is printed beside the estimate.
///
/// Bit-identical for any thread count (keyed streams, reductions in trajectory and group order).
/// Cost per trajectory O(2(T/h)N² + 2Σ_τ (T/τ)·N(p−1)) pair interactions, plus the sorts of the
/// W₂ step, O(K·G·F·d·n log n).
public enum DistributionalStudy {
    /// The final states of one trajectory.
    struct Trajectory {
        var exact: [Double]
        var exactCopy: [Double]
        var replacement: [[Double]]
        var replacementCopy: [[Double]]
        var nonFinite: Bool
    }

    public static func run(_ c: DistributionalConfiguration, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> DistributionalReport {
        try c.validate()
        let start = Date()
        let problem = c.problem
        try problem.validate()
        let m = c.trajectories
        if c.threads > 1 { BLAS.setThreads(1) }
        var records = [Trajectory?](repeating: nil, count: m)
        let done = Mutex(0)
        records.withUnsafeMutableBufferPointer { slots in
            let slots = DisjointOutput(slots)  // trajectory t writes only slot t
            parallelForEach(m, threads: c.threads) { t in
                slots[t] = runTrajectory(t, configuration: c, problem: problem)
                let count = done.withLock { $0 += 1; return $0 }
                progress?(count, m)
            }
        }
        let trajectories = records.map { $0! }
        let nonFinite = trajectories.filter(\.nonFinite).count
        guard nonFinite == 0 else {
            throw NumericalFailure("\(nonFinite) of \(m) trajectories became non-finite: use smaller --dt (the RBM-r pseudo-step must keep h(a + κ) < 2)")
        }
        return try DistributionalReport.assemble(configuration: c, trajectories: trajectories,
                                                 wallSeconds: Date().timeIntervalSince(start))
    }

    /// One trajectory: the exact system, its independent copy and RBM-r at every τ.
    static func runTrajectory(_ trajectory: Int, configuration c: DistributionalConfiguration, problem: ParticleProblem) -> Trajectory {
        let n = c.particles, d = c.dimension, size = n * d, t64 = UInt64(trajectory)
        let workspace = IntegratorWorkspace(particles: n, dimension: d)
        let exactDrift = ParticleDrift(problem: problem, estimator: ExactInteractionSum())
        let euler = EulerMaruyamaIntegrator()
        let h = c.referenceStep, noisy = problem.noise > 0
        func initial(_ index: UInt32) -> [Double] {
            var x = [Double](repeating: 0, count: size)
            problem.initialCondition.fill(&x, particles: n, dimension: d,
                                          stream: RandomStream(seed: c.seed, trajectory: t64, purpose: .initialCondition, index: index))
            return x
        }
        func exactRun(_ index: UInt32) -> [Double] {
            var x = initial(index)
            let brownian = RandomStream(seed: c.seed, trajectory: t64, purpose: .brownianNoise, index: index)
            var increment = [Double](repeating: 0, count: size)
            for _ in 0..<c.steps(of: h) {
                if noisy { brownian.fillGaussian(&increment, scale: h.squareRoot()) }
                increment.withUnsafeBufferPointer { dW in
                    euler.step(&x, timeStep: h, brownianIncrement: noisy ? dW : nil, drift: exactDrift, workspace: workspace, stream: brownian)
                }
            }
            return x
        }
        let exact = exactRun(0), copy = exactRun(1)
        let integrator = RandomBatchReplacementIntegrator(batchSize: c.batchSize)
        let signal = [Double](repeating: 0, count: size)
        func replacementRun(_ k: Int, from start: [Double], copy: Bool) -> [Double] {
            let tau = c.timeSteps[k]
            var x = start
            let stream = RandomStream(seed: c.seed, trajectory: t64, purpose: .batchPartition, index: UInt32(copy ? 1 << 16 | k : k))
            signal.withUnsafeBufferPointer { s in
                for _ in 0..<c.steps(of: tau) {
                    integrator.step(&x, timeStep: tau, brownianIncrement: noisy ? s : nil, drift: exactDrift,
                                    workspace: workspace, stream: stream)
                }
            }
            return x
        }
        let startCopy = initial(1), startExact = initial(0)
        let replacement = c.timeSteps.indices.map { replacementRun($0, from: startCopy, copy: false) }
        let replacementCopy = c.timeSteps.indices.map { replacementRun($0, from: startExact, copy: true) }
        let finite = ([exact, copy] + replacement + replacementCopy).allSatisfy { $0.allSatisfy(\.isFinite) }
        return Trajectory(exact: exact, exactCopy: copy, replacement: replacement, replacementCopy: replacementCopy, nonFinite: !finite)
    }
}
