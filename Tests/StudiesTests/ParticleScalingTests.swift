import Foundation
import NumericsCore
import Studies
import Testing

/// The N dimension of the RBM error theorem: the batch error's constant does not depend on N.
@Suite("Particle scaling (N sweep)")
struct ParticleScalingTests {
    static func configuration(seed: UInt64) -> ConvergenceConfiguration {
        var c = ConvergenceConfiguration()
        c.particles = 16
        c.batchSizes = [2, 4]
        c.timeSteps = [1.0 / 16, 1.0 / 32]
        c.horizon = 1
        c.trajectories = 60
        c.threads = 2
        c.bootstrapReplicates = 0
        c.seed = seed
        return c
    }

    @Test("the batch-error exponent in N is 0 within 4 SE on smooth and its verdict is consistent (inside 0 ± 0.1)")
    func batchExponentCoversZero() throws {
        let report = try ParticleScalingStudy.run(Self.configuration(seed: 20_251_123), particleCounts: [32, 64, 128, 256])
        for s in report.particleScaling where s.kind == .batch {
            #expect(abs(s.exponent) <= 4 * s.standardError, "p = \(s.batchSize): exponent \(s.exponent) ± \(s.standardError) \(s.ci95)")
            #expect(s.verdict.verdict == .consistent, "p = \(s.batchSize): \(s.verdict.rule)")
            #expect(s.dividedByRootVarianceFactor)
        }
        #expect(report.cost.count == 4 && report.cost.allSatisfy { $0.cpuSecondsPerStep > 0 })
    }

    @Test("the list order of N does not change the results")
    func orderOfParticleCountsDoesNotMatter() throws {
        let a = try ParticleScalingStudy.run(Self.configuration(seed: 5), particleCounts: [16, 32, 64])
        let b = try ParticleScalingStudy.run(Self.configuration(seed: 5), particleCounts: [64, 16, 32])
        #expect(a.particleScaling.map(\.exponent) == b.particleScaling.map(\.exponent))
    }

    /// Coverage of the exponent's 95% interval over 40 seeds, against the mean over seeds (the
    /// exponent's expectation; the batch error's true exponent is not exactly known at finite τ):
    /// the accepted band for 40 seeds is 85–100% (a 95% interval covers at least 34 of 40 with
    /// probability 0.98).
    @Test("the exponent's 95% interval covers the across-seed mean in at least 34 of 40 seeds")
    func exponentIntervalCoverage() throws {
        let seeds = 40
        var exponents: [[Double]] = [], intervals: [[[Double]]] = []
        for s in 0..<seeds {
            let report = try ParticleScalingStudy.run(Self.configuration(seed: 1_000 + UInt64(s)), particleCounts: [16, 32, 64])
            let batch = report.particleScaling.filter { $0.kind == .batch }
            exponents.append(batch.map(\.exponent))
            intervals.append(batch.map(\.ci95))
        }
        for p in 0..<exponents[0].count {
            var covered = 0
            for s in 0..<seeds {
                let others = (0..<seeds).filter { $0 != s }.map { exponents[$0][p] }
                let target = others.reduce(0, +) / Double(others.count)
                if intervals[s][p][0] <= target && target <= intervals[s][p][1] { covered += 1 }
            }
            #expect(covered >= 34, "batch size #\(p): covered \(covered) of \(seeds)")
            print("particle-scaling exponent coverage, batch size #\(p): \(covered)/\(seeds)")
        }
    }
}
