import Estimators
import NumericsCore

/// A split step for Dyson Brownian motion that keeps interacting particles ordered at any step:
///
///     dλⱼ = −a·λⱼ dt + c·w Σ_{k≠j} dt/(λⱼ − λₖ) + σ dBⱼ      (one dimension),
///
/// 1. explicit part: yⱼ = λⱼ − h·a·λⱼ + σ·ΔWⱼ (confinement and noise);
/// 2. implicit part: the repulsion by one backward-Euler step from y, solved as the convex
///    minimisation of ``LogRepulsionImplicitStep`` on the chamber of the positions before the step
///    (closed form for a pair). Each interacting group keeps its order by construction.
///
/// **Exact system** (``ExactInteractionSum``): one group of all N particles, weight 1/(N−1); the
/// whole state stays ordered with its labels (X(0) ordered ⇒ X(t) ordered).
///
/// **RBM** (``RandomBatchInteractionSum``, RBM-1 of Jin–Li–Liu, arXiv 1812.10575, who apply RBM to
/// Dyson Brownian motion): the batch partition is drawn from `stream` exactly as the estimator
/// draws it (identity permutation shuffled, cut by ``BatchPartition``), and each batch of size s is
/// one group with weight 1/(s−1) (strength c·(N−1)/(s−1) relative to the mean-field weight). During
/// a step, particles of different batches do not interact, so they may pass each other: that is
/// not a collision of the singular kernel (their pair force is not part of the step). The dynamics
/// is exchangeable and the empirical measure does not see labels, so after each RBM step the
/// labels are re-sorted (particle j is the j-th smallest): the law of the empirical measure is
/// unchanged (the next partition is uniform and the next increments are independent of the past),
/// and the state is ordered again, the chamber of the next step. Consequently the mean squared
/// distance between two such runs is the squared Wasserstein-2 distance between their empirical
/// measures (in one dimension the sorted matching is optimal). ``advance(_:groups:timeStep:brownianIncrement:problem:workspace:)``
/// is the step without the re-sorting, for checking that interacting particles never meet.
///
/// Requires a ``ParticleDrift`` of a one-dimensional problem with an ``InverseDistanceKernel`` and a
/// ``QuadraticPotential`` (the dyson reference problem); other drifts are a programming error.
/// When a group's Newton solve fails to converge the state is set to NaN, so the run is reported
/// as non-finite rather than continued from an unconverged step.
///
/// Cost per step: exact O(N²) per Newton iteration plus O(N³/6) for the Cholesky factorisation;
/// RBM O(N·p²) (pairs in closed form) plus O(N log N) for the re-sorting.
public struct DysonSplitStepIntegrator: Integrator {
    public init() {}
    public var name: String { "dyson-split-implicit" }
    public var deterministicOrder: Int { 1 }

    public func step(_ positions: inout [Double], timeStep dt: Double, brownianIncrement: UnsafeBufferPointer<Double>?,
                     drift: any Drift, workspace: IntegratorWorkspace, stream: RandomStream) {
        guard let drift = drift as? ParticleDrift else {
            preconditionFailure("the Dyson split step integrates a ParticleDrift; got \(type(of: drift))")
        }
        let problem = drift.problem, n = problem.particles
        let permutation = workspace.estimator.permutation
        if let batches = drift.estimator as? RandomBatchInteractionSum {
            var shuffled = permutation
            for k in 0..<n { shuffled[k] = Int32(k) }
            stream.shuffle(&shuffled)
            let partition = batches.partition(particles: n)
            var groups: [[Int]] = []
            groups.reserveCapacity(partition.batchCount)
            shuffled.withUnsafeBufferPointer { perm in
                partition.forEachBatch(of: perm) { batch in groups.append(batch.map { Int($0) }) }
            }
            let converged = advance(&positions, groups: groups, timeStep: dt, brownianIncrement: brownianIncrement,
                                    problem: problem, workspace: workspace)
            if converged { positions.sort() } else { markFailed(&positions) }
        } else if drift.estimator is ExactInteractionSum {
            if !advance(&positions, groups: [], timeStep: dt, brownianIncrement: brownianIncrement,
                        problem: problem, workspace: workspace) {
                markFailed(&positions)
            }
        } else {
            preconditionFailure("the Dyson split step supports the exact and random-batch interaction sums; got \(drift.estimator.name)")
        }
    }

    private func markFailed(_ positions: inout [Double]) {
        for k in positions.indices { positions[k] = .nan }
    }

    /// One split step with the given interacting groups (disjoint index sets; every particle in
    /// one group; a group of size s interacts with weight 1/(s−1)), without re-sorting labels;
    /// no groups (`[]`) means one group of all N particles (the exact system). Each group keeps
    /// the order its members had before the step, strictly. Returns false when a group's Newton
    /// solve did not converge.
    @discardableResult
    public func advance(_ positions: inout [Double], groups: [[Int]], timeStep h: Double,
                        brownianIncrement: UnsafeBufferPointer<Double>?, problem: ParticleProblem,
                        workspace: IntegratorWorkspace) -> Bool {
        guard problem.dimension == 1, let kernel = problem.interaction as? InverseDistanceKernel,
              let potential = problem.potential as? QuadraticPotential else {
            preconditionFailure("the Dyson split step needs d = 1, K(z) = c/z and V = ½a·x² (got \(problem.name))")
        }
        let n = problem.particles
        precondition(positions.count == n, "Dyson step: \(positions.count) coordinates for N = \(n)")
        if workspace.trial.count < n { workspace.trial = [Double](repeating: 0, count: n) }
        for k in 0..<n { workspace.trial[k] = positions[k] }
        let sigma = problem.noise
        for k in 0..<n { positions[k] -= h * potential.strength * workspace.trial[k] }
        if let dW = brownianIncrement, sigma != 0 {
            precondition(dW.count == n, "Brownian increment has \(dW.count) entries for N = \(n)")
            for k in 0..<n { positions[k] += sigma * dW[k] }
        }
        let repulsion = workspace.logRepulsion
        let before = workspace.trial
        var converged = true
        // One group: its chamber is its members in increasing order of their positions before the step.
        func solve(_ members: [Int]?, count s: Int) {
            guard s >= 2 else { return }
            let a = h * kernel.strength / Double(s - 1)
            repulsion.reserve(s)
            for slot in 0..<s {
                let i = members?[slot] ?? slot
                repulsion.groupStart[slot] = before[i]
                repulsion.groupTargets[slot] = positions[i]
            }
            let ok = LogRepulsionImplicitStep.solve(
                start: UnsafeBufferPointer(start: repulsion.groupStart, count: s),
                targets: UnsafeBufferPointer(start: repulsion.groupTargets, count: s), coefficient: a,
                into: UnsafeMutableBufferPointer(start: repulsion.groupSolution, count: s), workspace: repulsion)
            converged = converged && ok
            for slot in 0..<s { positions[members?[slot] ?? slot] = repulsion.groupSolution[slot] }
        }
        if groups.isEmpty {
            var ordered = true
            for k in 1..<max(1, n) where !(before[k - 1] < before[k]) { ordered = false; break }
            solve(ordered ? nil : (0..<n).sorted { before[$0] < before[$1] }, count: n)
        } else {
            for group in groups { solve(group.sorted { before[$0] < before[$1] }, count: group.count) }
        }
        return converged
    }
}
