import Foundation
import NumericsCore
import ParticleSystems

/// The result of a ``LongTimeSamplingStudy``: per batch size and time step, the time average of
/// (1/N)Σ‖Xᵢ‖² against its exact expected value and against the invariant measure's, and the
/// fitted order of the sampling error beside Ye–Zhou's.
public struct LongTimeReport: Codable, Sendable {
    public var schema = "rbm-study/long-time/1"
    public var configuration: LongTimeConfiguration
    public var manifest: RunManifest
    /// m∞ = E f under the invariant measure of the exact SDE (closed form).
    public var invariantSecondMoment: Double

    public struct Row: Codable, Sendable {
        public var batchSize: Int
        public var dt: Double
        /// Mean of the R time averages ± SE (independent trajectories).
        public var timeAverage: Estimate
        /// The exact expected time average of this scheme (moment recursion): the interval's target.
        public var expectedTimeAverage: Double
        /// (timeAverage − expected)/SE, and whether the 95% Student-t interval covers the target.
        public var zScore: Double
        public var covered: Bool
        /// The exact stationary E f of RBM at this (p, τ); nil if the scheme is unstable.
        public var stationary: Double?
        /// timeAverage − m∞ ± SE: the measured sampling error.
        public var samplingError: Estimate
        /// stationary − m∞: the exact sampling error of the scheme at t = ∞.
        public var exactSamplingError: Double?
        /// expectedTimeAverage − stationary: the transient left after the burn-in.
        public var burnInResidual: Double?
        /// Mean of f(X(B + L)) − m∞ ± SE: the law at large t, through its second moment.
        public var finalLawError: Estimate
        /// Its exact value from the recursion.
        public var exactFinalLawError: Double
    }

    public struct OrderRow: Codable, Sendable {
        public var batchSize: Int
        public var fit: OrderFitResult?
        public var theoryOrder: Double
        public var theorySource: String
        public var exactLocalOrders: [Double?]
        public var reading: String
    }

    public var rows: [Row]
    public var orders: [OrderRow]
    /// Fraction of rows whose 95% interval covers the exact expected time average.
    public var coverage: Double
    public var notes: [String]

    static func assemble(configuration c: LongTimeConfiguration, runs: [LongTimeSamplingStudy.Run], wallSeconds: Double) throws -> LongTimeReport {
        let moments = LinearMeanFieldMoments(system: c.linearSystem, particles: c.particles, dimension: c.dimension)
        let invariant = moments.stationarySecondMoment
        let nb = c.batchSizes.count, nk = c.timeSteps.count, r = c.trajectories
        func unit(_ t: Int, _ b: Int, _ k: Int) -> LongTimeSamplingStudy.Run { runs[(t * nb + b) * nk + k] }
        let t95 = Distributions.studentT95(degreesOfFreedom: Double(r - 1))
        var rows: [Row] = [], orders: [OrderRow] = []
        let fitStream = RandomStream(seed: c.seed, purpose: .bootstrap)
        for (b, p) in c.batchSizes.enumerated() {
            var exactErrors: [Double] = []
            for (k, tau) in c.timeSteps.enumerated() {
                let averages = (0..<r).map { unit($0, b, k).timeAverage }
                let finals = (0..<r).map { unit($0, b, k).final - invariant }
                let mean = DistributionalReport.meanEstimate(averages)
                let expected = moments.randomBatchTimeAverage(burnInSteps: c.steps(c.burnIn, of: tau),
                                                              averagedSteps: c.steps(c.averagingTime, of: tau), timeStep: tau, batchSize: p)
                let stationary = moments.randomBatchStationarySecondMoment(timeStep: tau, batchSize: p)
                let z = mean.standardError > 0 ? (mean.value - expected) / mean.standardError : 0
                let exactFinal = moments.randomBatchSecondMoment(time: c.burnIn + c.averagingTime, timeStep: tau, batchSize: p) - invariant
                exactErrors.append((stationary ?? expected) - invariant)
                rows.append(Row(batchSize: p, dt: tau, timeAverage: mean, expectedTimeAverage: expected, zScore: z, covered: abs(z) <= t95,
                                stationary: stationary,
                                samplingError: Estimate(value: mean.value - invariant, standardError: mean.standardError, count: r),
                                exactSamplingError: stationary.map { $0 - invariant }, burnInResidual: stationary.map { expected - $0 },
                                finalLawError: DistributionalReport.meanEstimate(finals), exactFinalLawError: exactFinal))
            }
            let samples = (0..<r).map { t in (0..<nk).map { unit(t, b, $0).timeAverage - invariant } }
            let input = OrderFitInput(timeSteps: c.timeSteps, samples: samples, measure: .signedMean, theoryOrder: 0.5)
            let fit = try? OrderFit.fit(input, bootstrapReplicates: 0, stream: fitStream)
            orders.append(OrderRow(batchSize: p, fit: fit, theoryOrder: 0.5,
                                   theorySource: "Ye–Zhou, arXiv 2206.02166: O(√τ + e^{−λt}) in Wasserstein distance, an upper bound",
                                   exactLocalOrders: OrderFit.localOrders(timeSteps: c.timeSteps, errors: exactErrors),
                                   reading: DistributionalReport.reading(fit, theory: 0.5, bound: true)))
        }
        let coverage = Double(rows.filter(\.covered).count) / Double(rows.count)
        let worstResidual = rows.compactMap { $0.burnInResidual.map(abs) }.max() ?? 0
        var notes = [
            "SEs: each trajectory contributes one time average, so the R averages are independent and s/√R needs no autocorrelation correction",
            "the burn-in leaves a transient of at most \(format(worstResidual)) in the expected time average (exact, included in its target)",
            "interval coverage of the printed rows against the exact expected time averages: \(rows.filter(\.covered).count) of \(rows.count) (measured over seeds in the tests)"]
        if rows.contains(where: { $0.stationary == nil }) { notes.append("some (p, τ) have no stationary state: the scheme is unstable there") }
        let manifest = RunManifest(seed: c.seed, command: "", threads: c.threads, wallSeconds: wallSeconds)
        return LongTimeReport(configuration: c, manifest: manifest, invariantSecondMoment: invariant, rows: rows, orders: orders,
                              coverage: coverage, notes: notes)
    }
}
