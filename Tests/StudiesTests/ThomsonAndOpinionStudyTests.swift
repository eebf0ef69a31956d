import Estimators
import Foundation
import NumericsCore
import ParticleSystems
import Studies
import Testing

/// The Thomson and opinion systems in the studies: the flows reach the known minima (exact and
/// RBM with decreasing steps), the RBM orders carry no verdict where no theorem applies, and the
/// configurations refuse options outside the models.
@Suite("Thomson and opinion studies")
struct ThomsonAndOpinionStudyTests {
    static let seed: UInt64 = 7_331

    static func initial(_ problem: ParticleProblem, trajectory: Int) -> [Double] {
        var x = [Double](repeating: 0, count: problem.particles * problem.dimension)
        problem.initialCondition.fill(&x, particles: problem.particles, dimension: problem.dimension,
                                      stream: RandomStream(seed: seed, trajectory: UInt64(trajectory), purpose: .initialCondition))
        return x
    }

    @Test("Thomson exact (rk8pd) and RBM (p = 2, decreasing steps) flows reach the known minimal energies for N ≤ 12 from many starts (T = 1024: the flow can linger near saddles)")
    func thomsonFlowsReachTheKnownMinima() throws {
        let schedule = ThomsonEnergyStudy.StepSchedule()
        for n in [2, 3, 4, 5, 6, 12] {
            let problem = ReferenceProblem.thomson.make(particles: n, dimension: 3, noise: nil)
            let minimum = ThomsonProblem.minimalEnergies[n]!
            for start in 0..<6 {
                let x0 = Self.initial(problem, trajectory: start)
                var exact = x0
                try AdaptiveReferenceIntegrator(problem: problem).integrate(&exact, from: 0, to: 1024)
                let exactGap = ThomsonProblem.energy(exact, particles: n, dimension: 3) - minimum
                #expect(abs(exactGap) <= 1e-6 * minimum, "N = \(n), start \(start): exact flow ends \(exactGap) above min E")
                var rbm = x0
                let finite = ThomsonEnergyStudy.annealedRandomBatch(
                    &rbm, problem: problem, batchSize: 2, schedule: schedule, horizon: 1024,
                    workspace: IntegratorWorkspace(particles: n, dimension: 3),
                    stream: RandomStream(seed: Self.seed, trajectory: UInt64(start), purpose: .batchPartition))
                #expect(finite)
                let rbmGap = ThomsonProblem.energy(rbm, particles: n, dimension: 3) - minimum
                #expect(rbmGap >= -1e-9 && rbmGap <= 2e-3 * minimum, "N = \(n), start \(start): RBM ends \(rbmGap) above min E")
            }
        }
    }

    @Test("thomson and opinion convergence studies print the RBM orders as 'not assessed' with the reason (no theorem for these kernels); thomson's time order keeps its verdict, opinion's (discontinuous drift) does not")
    func studiesWithoutTheoremDoNotJudgeTheRandomBatchOrders() throws {
        for system in [ConvergenceSystem.thomson, .opinion] {
            var c = ConvergenceConfiguration()
            c.system = system
            c.particles = 8
            c.dimension = system.defaultDimension
            c.batchSizes = [2, 4]
            c.timeSteps = [0.125, 0.0625, 0.03125]
            c.horizon = 1
            c.trajectories = 6
            c.threads = 2
            c.bootstrapReplicates = 0
            let report = try ConvergenceStudy.run(c)
            for fit in report.fits where fit.kind != .time {
                #expect(fit.verdict.verdict == .notAssessed && fit.verdict.rule.hasPrefix("no theorem"), "\(system) \(fit.kind) p = \(fit.batchSize): \(fit.verdict.rule)")
                #expect(fit.theoryOrder == nil)
            }
            // Euler's order 1 is a theorem for thomson's smooth flow away from collisions, not for
            // opinion's discontinuous drift.
            let time = try #require(report.fits.first { $0.kind == .time })
            if system == .thomson {
                #expect(time.theoryOrder == 1)
            } else {
                #expect(time.theoryOrder == nil && time.verdict.verdict == .notAssessed && time.verdict.rule.hasPrefix("no theorem"))
            }
            #expect(report.batchSizeRatios.isEmpty && report.strongShape == nil)
        }
    }

    @Test("thomson and opinion configurations refuse options outside their model")
    func thomsonAndOpinionValidation() {
        var c = ConvergenceConfiguration()
        c.system = .thomson
        c.particles = 12
        c.dimension = 3
        c.noise = 0.1
        #expect(throws: InvalidInput.self) { try c.validate() }
        c.noise = nil
        c.dimension = 2
        #expect(throws: InvalidInput.self) { try c.validate() }
        c.system = .opinion
        c.dimension = 3
        #expect(throws: InvalidInput.self) { try c.validate() }
        c.dimension = 1
        #expect(throws: Never.self) { try c.validate() }
    }
}
