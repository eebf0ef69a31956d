import Foundation
import NumericsCore
import ParticleSystems

/// The result of a ``DistributionalStudy``: weak errors and floor-corrected W₂ distances of
/// RBM-r against the time step, with fitted orders beside the theory's.
public struct DistributionalReport: Codable, Sendable {
    public var schema = "rbm-study/distributional/1"
    public var configuration: DistributionalConfiguration
    public var manifest: RunManifest

    /// One weak error b(τ) of one observable at one τ.
    public struct WeakRow: Codable, Sendable {
        public var observable: DistributionalObservable
        public var dt: Double
        /// κ: the RBM-r pseudo-step h = τN/(⌈N/p⌉p).
        public var kappa: Double
        /// b(τ) ± SE over the trajectories.
        public var error: Estimate
        /// "closed form" (E f of the exact SDE known exactly) or "reference" (the independent copy X′).
        public var against: String
        /// On `linear`, the exact expected error of this RBM-r (``LinearMeanFieldMoments``) against
        /// the same target; nil where unknown.
        public var exactError: Double?
        /// (estimate − exact)/SE when `exactError` is known.
        public var zScore: Double?
    }

    /// The floor-corrected W₂ at one τ (sliced W₂ for d > 1).
    public struct DistanceRow: Codable, Sendable {
        public var dt: Double
        public var kappa: Double
        /// Mean over groups of W₂²(RBM-r, exact) ± SE.
        public var raw: Estimate
        /// Mean over groups of W₂²(exact copy, exact) ± SE: the exact law's finite-sample floor.
        public var floor: Estimate
        /// Mean over groups of W₂²(RBM-r copy, RBM-r) ± SE: RBM-r's own floor.
        public var replacementFloor: Estimate
        /// raw − (floor + replacementFloor)/2, paired per group ± SE: estimates W₂² between the laws.
        public var corrected: Estimate
        /// √corrected (delta-method SE) when corrected > 2 SE; nil when lost in the floor's noise.
        public var distance: Estimate?
        /// On `linear`: |√u(RBM-r) − √u(exact)|, u = E‖Xᵢ‖² from the exact moment recursions. Both
        /// laws are isotropic with mean 0, so this is the W₂ between Gaussians with their
        /// covariances, a lower bound on W₂ (Gelbrich, Math. Nachr. 147, 1990) and on the
        /// normalised sliced W₂, tight when the laws are close to Gaussian.
        public var gelbrichLowerBound: Double?
    }

    /// A fitted order with the theory's beside it.
    public struct OrderRow: Codable, Sendable {
        public var quantity: String
        public var fit: OrderFitResult?
        /// The order the cited theory gives (an upper-bound order for W₂).
        public var theoryOrder: Double
        public var theorySource: String
        /// On `linear`: the local orders of the exact expected RBM-r errors on this grid.
        public var exactLocalOrders: [Double?]?
        /// On `linear`: the order the same fit gives on the exact expected values (the samples
        /// shifted to have them as means: same weights, same covariance): the estimand of the
        /// interval, which the tests check it covers. For W₂ the exact values are the Gelbrich
        /// lower bounds, so this is the order of the Gaussian part of the W₂ error.
        public var exactOrder: Double?
        /// How the measured order reads against the theory.
        public var reading: String
    }

    public var weak: [WeakRow]
    public var distances: [DistanceRow]
    public var orders: [OrderRow]
    /// The number of projection directions (1 in one dimension: exact W₂).
    public var directions: Int
    public var notes: [String]

    static func assemble(configuration c: DistributionalConfiguration, trajectories: [DistributionalStudy.Trajectory],
                         wallSeconds: Double) throws -> DistributionalReport {
        let n = c.particles, d = c.dimension, m = trajectories.count, levels = c.timeSteps
        let integrator = RandomBatchReplacementIntegrator(batchSize: c.batchSize)
        let kappas = levels.map { integrator.pseudoStepSize(timeStep: $0, particles: n) }
        let linear = c.system.referenceProblem.linearMeanField(noise: c.noise)
        let moments = linear.map { LinearMeanFieldMoments(system: $0, particles: n, dimension: d) }
        let closedForm = linear?.expectedSecondMoment(time: c.horizon, particles: n, dimension: d)
        var weak: [WeakRow] = [], orders: [OrderRow] = [], notes: [String] = []
        let fitStream = RandomStream(seed: c.seed, purpose: .bootstrap)

        for observable in DistributionalObservable.allCases {
            // The target c_m: closed form (second moment on linear), 0 (mean, by symmetry), else f(X′).
            let exactTarget: Double? = observable == .mean ? 0 : (observable == .secondMoment ? closedForm : nil)
            let samples: [[Double]] = trajectories.map { t in
                let target = exactTarget ?? observable.evaluate(t.exactCopy, particles: n, dimension: d)
                return t.replacement.map { observable.evaluate($0, particles: n, dimension: d) - target }
            }
            let exactErrors: [Double]? = (observable == .secondMoment && moments != nil && closedForm != nil)
                ? levels.map { moments!.replacementSecondMoment(time: c.horizon, timeStep: $0, batchSize: c.batchSize) - closedForm! }
                : (observable == .mean ? levels.map { _ in 0 } : nil)
            for (k, tau) in levels.enumerated() {
                let column = samples.map { $0[k] }
                let e = meanEstimate(column)
                let z = exactErrors.map { e.standardError > 0 ? (e.value - $0[k]) / e.standardError : 0 }
                weak.append(WeakRow(observable: observable, dt: tau, kappa: kappas[k], error: e,
                                    against: exactTarget == nil ? "reference" : "closed form",
                                    exactError: exactErrors?[k], zScore: z))
            }
            guard observable != .mean else { continue }  // exactly 0: no order to fit, the z-scores test it
            let input = OrderFitInput(timeSteps: levels, samples: samples, measure: .signedMean, theoryOrder: 1,
                                      referenceStep: exactTarget == nil ? c.referenceStep : 0, deterministic: false)
            let fit = try? OrderFit.fit(input, bootstrapReplicates: 0, stream: fitStream)
            let exactLocal = exactErrors.map { OrderFit.localOrders(timeSteps: levels, errors: $0) }
            var exactInput = input
            if let exactErrors { exactInput.samples = shifted(samples, toMeans: exactErrors) }
            let exactOrder = exactErrors == nil ? nil : (try? OrderFit.fit(exactInput, bootstrapReplicates: 0, stream: fitStream))?.order
            orders.append(OrderRow(quantity: "weak error of \(observable.rawValue)", fit: fit, theoryOrder: 1,
                                   theorySource: "first-order splitting and Euler steps (expected; no RBM-r weak-order theorem cited)",
                                   exactLocalOrders: exactLocal, exactOrder: exactOrder, reading: reading(fit, theory: 1, bound: false)))
        }

        // W₂ per group, floor-corrected.
        let groups = c.groups, perGroup = m / groups
        let sliced = SlicedWasserstein(dimension: d, frames: c.frames, stream: RandomStream(seed: c.seed, purpose: .projections))
        var raw = [[Double]](repeating: [Double](repeating: 0, count: levels.count), count: groups)
        var ownFloor = raw
        var floor = [Double](repeating: 0, count: groups)
        raw.withUnsafeMutableBufferPointer { rawSlots in
            ownFloor.withUnsafeMutableBufferPointer { ownSlots in
                floor.withUnsafeMutableBufferPointer { floorSlots in
                    // group g writes only row g of raw and ownFloor and slot g of floor
                    let rawSlots = DisjointOutput(rawSlots), ownSlots = DisjointOutput(ownSlots), floorSlots = DisjointOutput(floorSlots)
                    parallelForEach(groups, threads: c.threads) { g in
                        let members = trajectories[(g * perGroup)..<((g + 1) * perGroup)]
                        let exact = members.flatMap(\.exact), copy = members.flatMap(\.exactCopy)
                        floorSlots[g] = sliced.squaredDistance(copy, exact)
                        for k in levels.indices {
                            let replacement = members.flatMap { $0.replacement[k] }
                            rawSlots[g][k] = sliced.squaredDistance(replacement, exact)
                            ownSlots[g][k] = sliced.squaredDistance(members.flatMap { $0.replacementCopy[k] }, replacement)
                        }
                    }
                }
            }
        }
        let corrected = raw.enumerated().map { g, row in row.enumerated().map { k, w in w - (floor[g] + ownFloor[g][k]) / 2 } }
        let distances: [DistanceRow] = levels.indices.map { k in
            let w = meanEstimate(corrected.map { $0[k] })
            let root: Estimate? = w.value > 2 * w.standardError ? Estimate.rootMeanSquare(ofMeanSquare: w) : nil
            let gelbrich = moments.map { m in
                abs(m.replacementSecondMoment(time: c.horizon, timeStep: levels[k], batchSize: c.batchSize).squareRoot()
                    - m.eulerSecondMoment(time: c.horizon, timeStep: c.referenceStep).squareRoot())
            }
            return DistanceRow(dt: levels[k], kappa: kappas[k], raw: meanEstimate(raw.map { $0[k] }),
                               floor: meanEstimate(floor), replacementFloor: meanEstimate(ownFloor.map { $0[k] }), corrected: w,
                               distance: root, gelbrichLowerBound: gelbrich)
        }
        let noisy = c.resolvedNoise > 0
        let bound = noisy ? 0.25 : 0.5
        let w2Input = OrderFitInput(timeSteps: levels, samples: corrected, measure: .signedMean, theoryOrder: 2 * bound)
        let w2Squared = try? OrderFit.fit(w2Input, bootstrapReplicates: 0, stream: fitStream)
        let w2 = w2Squared.map(halved)
        var gelbrichOrder: Double?
        if moments != nil {
            var exactInput = w2Input
            exactInput.samples = shifted(corrected, toMeans: distances.map { ($0.gelbrichLowerBound ?? 0) * ($0.gelbrichLowerBound ?? 0) })
            gelbrichOrder = (try? OrderFit.fit(exactInput, bootstrapReplicates: 0, stream: fitStream)).map { $0.order / 2 }
        }
        orders.append(OrderRow(quantity: d == 1 ? "W₂ distance" : "sliced W₂ distance", fit: w2, theoryOrder: bound,
                               theorySource: "Cai–Liu–Wang, arXiv 2407.19315: W₂ ≤ C" + (noisy ? "√(1+T)·κ^{1/4} (with diffusion)" : "·κ^{1/2} (no diffusion)")
                                   + ", an upper bound",
                               exactLocalOrders: moments == nil ? nil : OrderFit.localOrders(timeSteps: levels, errors: distances.map { $0.gelbrichLowerBound ?? 0 }),
                               exactOrder: gelbrichOrder, reading: reading(w2, theory: bound, bound: true)))
        let lost = distances.filter { $0.distance == nil }.count
        if lost > 0 {
            notes.append("W₂: at \(lost) of \(levels.count) steps the floor-corrected W₂² is within 2 SE of 0 (lost in the finite-sample floor); more --trajectories per group shrink the floor")
        }
        let meanFloor = floor.reduce(0, +) / Double(groups)
        notes.append("W₂ floor: two independent samples of the exact law (\(perGroup * n) points each) are W₂ ≈ \(format(meanFloor.squareRoot())) apart; with RBM-r's own floor, half of each is subtracted per group")
        notes.append("κ: Cai–Liu–Wang's batch time step; here the RBM-r pseudo-step h = τN/(⌈N/p⌉p), with one Euler step per batch (the theorem evolves the batch exactly)")
        notes.append("coverage: the weak-error intervals are calibrated against the exact RBM-r values on linear (tests, --calibrate); the W₂ intervals only against the across-seed mean (--calibrate): the exact W₂ between the laws is not known")
        let manifest = RunManifest(seed: c.seed, command: "", threads: c.threads, wallSeconds: wallSeconds)
        return DistributionalReport(configuration: c, manifest: manifest, weak: weak, distances: distances, orders: orders,
                                    directions: sliced.directionCount, notes: notes)
    }

    /// The samples with each level's mean moved to `means[k]` (deviations kept).
    static func shifted(_ samples: [[Double]], toMeans means: [Double]) -> [[Double]] {
        let m = Double(samples.count)
        let current = means.indices.map { k in samples.reduce(0) { $0 + $1[k] } / m }
        return samples.map { row in row.indices.map { row[$0] - current[$0] + means[$0] } }
    }

    /// Mean ± SE (sample standard deviation / √M) of independent samples.
    static func meanEstimate(_ x: [Double]) -> Estimate {
        var moments = RunningMoments()
        for v in x { moments.add(v) }
        return Estimate(value: moments.mean, standardError: x.count > 1 ? (moments.variance / Double(x.count)).squareRoot() : .nan, count: x.count)
    }

    /// The W₂ order from the W₂² order: q = Q/2, intervals and local orders halved.
    static func halved(_ f: OrderFitResult) -> OrderFitResult {
        var r = f
        r.order = f.order / 2
        r.ci95 = f.ci95.map { $0 / 2 }
        r.standardError = f.standardError / 2
        r.localOrders = f.localOrders.map { $0.map { $0 / 2 } }
        r.localOrderStandardErrors = f.localOrderStandardErrors.map { $0.map { $0 / 2 } }
        r.theoryOrder = f.theoryOrder.map { $0 / 2 }
        r.asymptoticOrder = f.asymptoticOrder.map { Estimate(value: $0.value / 2, standardError: $0.standardError / 2, count: $0.count) }
        r.notes = f.notes + ["fitted as W₂² = C·τ^Q (signed, so floor-corrected values below 0 are kept); the W₂ order is Q/2"]
        return r
    }

    /// The measured order against the theory: for a bound, above it is consistent (the bound is
    /// not tight) and below it contradicts the bound; for an expected order, inside ± 0.05.
    static func reading(_ fit: OrderFitResult?, theory: Double, bound: Bool) -> String {
        guard let fit, fit.ci95.count == 2 else { return "not assessed (no fit: too few informative levels)" }
        let lo = fit.ci95[0], hi = fit.ci95[1]
        if bound {
            if lo > theory { return "order above the bound's \(format(theory)): the bound holds and is not tight here" }
            if hi < theory { return "order below the bound's \(format(theory)): contradicts the bound" }
            return "consistent with the bound's order \(format(theory))"
        }
        if lo >= theory - 0.05 && hi <= theory + 0.05 { return "consistent with order \(format(theory))" }
        if hi < theory - 0.05 || lo > theory + 0.05 {
            // The finest local order closer to the theory than the fit: the coarse steps bend it.
            let finest = fit.localOrders.last.flatMap { $0 }
            if let finest, abs(finest - theory) < abs(fit.order - theory) {
                return "pre-asymptotic: the fit differs from order \(format(theory)) but the local orders approach it (finest \(format(finest)))"
            }
            return "differs from order \(format(theory)) on this grid"
        }
        return "interval contains order \(format(theory)) but is wider than ± 0.05: inconclusive"
    }
}
