import Estimators
import Foundation
import NumericsCore
import ParticleSystems

/// How the exact Dyson system's distance to the semicircle law shrinks with N: at each N, the
/// exact system (``DysonSplitStepIntegrator``, all N particles in one implicit group) from the
/// semicircle quantiles of radius R(0) = 1 to T, and the mean over trajectories of W₁ and of the
/// Kolmogorov distance between its empirical measure and the semicircle of radius R(T); then the
/// exponent e of W₁ ∝ N^e (``PowerLawFit``: weighted least squares of log W₁ on log N with
/// delta-method weights; the N are run on independent streams, so the points are independent).
///
/// What is known: the eigenvalues of Wigner matrices are rigid, |λ₍ⱼ₎ − γⱼ| ≤ (log N)^L·min(j, N+1−j)^{−1/3}·N^{−2/3}
/// with overwhelming probability, γⱼ the semicircle quantiles (Erdős–Yau–Yin, arXiv 1007.4652); the
/// β = 2 equilibrium here is the GUE, and at time t the matrix is e^{−t}·diag(X(0)) plus an
/// independent GUE part, a deformed Wigner matrix. Summing over j, W₁ ≤ (1/N)Σⱼ|λ₍ⱼ₎ − γⱼ| = O((log N)^L/N):
/// the exponent is expected to be ≈ −1 up to logarithms (above −1 by ≈ L/log N on small N). A fixed
/// time step adds an N-independent bias, which flattens the exponent at large N (choose τ small
/// against 1/N). What this type measures is reported, not asserted.
///
/// Streams: trajectory t at N uses the Brownian stream keyed by (``sweepSeed(_:_:)`` of the seed
/// and N, t): the result does not depend on the thread count. Cost per trajectory:
/// (T/τ)·(N² + N³/6)·(Newton iterations, 2–3).
public struct DysonSemicircleScaling: Codable, Sendable {
    public struct Point: Codable, Sendable {
        public var particles: Int
        public var wasserstein1: Estimate
        public var kolmogorov: Estimate
    }

    public var horizon: Double
    public var timeStep: Double
    public var trajectories: Int
    public var seed: UInt64
    public var points: [Point]
    /// e of W₁ ∝ N^e with its 95% interval (nil with fewer than two usable points).
    public var exponent: PowerLawFit?

    /// Runs the sweep. Throws ``InvalidInput`` for N < 2, a step that does not divide T, or fewer
    /// than 2 trajectories.
    public static func run(particleCounts: [Int], horizon: Double, timeStep: Double, trajectories: Int, seed: UInt64,
                           threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws -> DysonSemicircleScaling {
        try require(particleCounts.allSatisfy { $0 >= 2 && $0 <= 4096 }, "particles", "each N must be in [2, 4096]")
        try require(trajectories >= 2, "trajectories", "must be ≥ 2 (got \(trajectories))")
        try require(horizon.isFinite && horizon > 0 && timeStep.isFinite && timeStep > 0, "timeStep", "horizon and step must be finite and > 0")
        let steps = Int((horizon / timeStep).rounded())
        try require(steps >= 1 && abs(Double(steps) * timeStep - horizon) <= 1e-9 * horizon, "timeStep",
                    "the step \(timeStep) must divide the horizon \(horizon)")
        var points: [Point] = []
        for n in particleCounts {
            var w1 = [Double](repeating: .nan, count: trajectories), ks = w1
            let key = sweepSeed(seed, UInt64(n))
            w1.withUnsafeMutableBufferPointer { w1Slots in
                ks.withUnsafeMutableBufferPointer { ksSlots in
                    let w1Slots = DisjointOutput(w1Slots), ksSlots = DisjointOutput(ksSlots)  // trajectory t writes only slot t
                    parallelForEach(trajectories, threads: threads) { t in
                        let state = finalState(particles: n, steps: steps, timeStep: timeStep, seed: key, trajectory: t)
                        let d = SemicircleDistanceSamples.distances(of: state, at: horizon, initialRadius: ReferenceProblem.dysonInitialRadius)
                        w1Slots[t] = d.w1
                        ksSlots[t] = d.kolmogorov
                    }
                }
            }
            guard w1.allSatisfy({ $0.isFinite }) else {
                throw NumericalFailure("the exact Dyson system at N = \(n) became non-finite (an implicit solve did not converge); use a smaller time step")
            }
            points.append(Point(particles: n, wasserstein1: RunningMoments(w1).meanEstimate, kolmogorov: RunningMoments(ks).meanEstimate))
        }
        return DysonSemicircleScaling(horizon: horizon, timeStep: timeStep, trajectories: trajectories, seed: seed, points: points,
                                      exponent: PowerLawFit(x: points.map { Double($0.particles) }, errors: points.map(\.wasserstein1)))
    }

    /// The exact system's state at T for one trajectory.
    static func finalState(particles n: Int, steps: Int, timeStep: Double, seed: UInt64, trajectory: Int) -> [Double] {
        let problem = ReferenceProblem.dyson.make(particles: n, dimension: 1, noise: nil)
        var x = [Double](repeating: 0, count: n)
        problem.initialCondition.fill(&x, particles: n, dimension: 1, stream: RandomStream(seed: seed, purpose: .initialCondition))
        let drift = ParticleDrift(problem: problem, estimator: ExactInteractionSum())
        let workspace = IntegratorWorkspace(particles: n, dimension: 1)
        let brownian = RandomStream(seed: seed, trajectory: UInt64(trajectory), purpose: .brownianNoise)
        let unused = RandomStream(seed: seed, trajectory: UInt64(trajectory), purpose: .estimatorDraws)
        var increment = [Double](repeating: 0, count: n)
        let integrator = DysonSplitStepIntegrator()
        for _ in 0..<steps {
            brownian.fillGaussian(&increment, scale: timeStep.squareRoot())
            increment.withUnsafeBufferPointer { dW in
                integrator.step(&x, timeStep: timeStep, brownianIncrement: dW, drift: drift, workspace: workspace, stream: unused)
            }
            if !x.allSatisfy({ $0.isFinite }) { break }
        }
        return x
    }
}
