import Claims
import Foundation
import Studies
import Testing
import TestSupport

/// The time dimension of the Random Batch theorem (Jin, Li, Liu, arXiv 1812.10575): errors
/// recorded at checkpoints along [0, T], their growth in t, and the uniform-in-time claim.
@Suite("Errors along [0, T]")
struct UniformInTimeTests {
    /// Smooth, N = 16, p = 2 and 4, τ = 1/8, 1/16, T = 4 with 8 checkpoints.
    static func configuration(noise: Double? = nil) -> ConvergenceConfiguration {
        var c = ConvergenceConfiguration()
        c.particles = 16
        c.batchSizes = [2, 4]
        c.timeSteps = [1.0 / 8, 1.0 / 16]
        c.horizon = 4
        c.checkpoints = 8
        c.trajectories = 40
        c.threads = 2
        c.bootstrapReplicates = 0
        return c
    }

    @Test("the last checkpoint is the final time: its errors equal the errors at T bit for bit (σ > 0 and σ = 0)", arguments: [0.5, 0.0])
    func lastCheckpointIsTheFinalTime(noise: Double) throws {
        let report = try ConvergenceStudy.run(Self.configuration(noise: noise))
        #expect(report.timeProfiles.count == 2 * (2 * 2 + 1))
        for profile in report.timeProfiles {
            #expect(profile.times == (1...8).map { 0.5 * Double($0) })
            let level = try #require(report.levels.first { $0.dt == profile.dt && (profile.kind == .time || $0.batchSize == profile.batchSize) })
            let atT = profile.kind == .strong ? level.strongError : profile.kind == .batch ? level.batchError : level.timeError
            #expect(profile.errors.last == atT, "\(profile.kind) p = \(profile.batchSize) τ = \(profile.dt)")
            #expect(profile.supremum.value == profile.errors.map(\.value).max())
        }
    }

    @Test("the checkpoints do not change the errors at T, and one checkpoint gives no profile")
    func checkpointsDoNotChangeTheFinalErrors() throws {
        var single = Self.configuration()
        single.checkpoints = 1
        let one = try ConvergenceStudy.run(single), eight = try ConvergenceStudy.run(Self.configuration())
        #expect(one.timeProfiles.isEmpty)
        for (a, b) in zip(one.levels, eight.levels) {
            #expect(a.strongError == b.strongError && a.batchError == b.batchError && a.timeError == b.timeError && a.weakError == b.weakError)
        }
    }

    @Test("the default checkpoint count is the largest K ≤ 4 the grid allows, and an explicit K must fit the grid")
    func checkpointCountFollowsTheGrid() throws {
        var c = ConvergenceConfiguration()
        #expect(c.resolvedCheckpoints == 4)
        c.timeSteps = [0.2, 0.1]
        c.horizon = 1
        #expect(c.resolvedCheckpoints == 1)
        c.timeSteps = [0.25, 0.125]
        c.horizon = 1.5
        #expect(c.resolvedCheckpoints == 3)
        c.checkpoints = 4
        #expect(throws: InvalidInput.self) { try c.validate() }
    }

    @Test("the growth-in-t intervals cover the across-seed mean (checkpoints share trajectories)")
    func growthIntervalsCover() throws {
        let report = try ConvergenceCalibrationReport.run(Self.configuration(), seeds: CoverageCheck.seeds)
        let growth = report.coverage.filter { $0.label.hasPrefix("growth in t") }
        #expect(growth.count == 2 * 5 + 1, "\(growth.map(\.label))")  // 10 profiles and the pooled row
        for entry in growth {
            let band = entry.pooled ? CoverageCheck.band : 0.8...1.0
            #expect(band.contains(entry.coverage), "\(entry.label): coverage \(entry.coverage) \(entry.coverageCI95), SD across seeds \(entry.spreadAcrossSeeds), mean SE \(entry.meanReportedStandardError)")
        }
    }

    @Test("uniform in time is rejected while the batch error still accumulates (T = 0.5: exponent ≈ 0.3)")
    func stillGrowingErrorIsRejected() throws {
        var c = Self.configuration()
        c.particles = 32
        c.timeSteps = [1.0 / 64, 1.0 / 128]
        c.horizon = 0.5
        c.trajectories = 100
        let outcome = try UniformInTimeClaim(study: c, checkpoints: 8).check(seed: 7, threads: 2)
        #expect(outcome.verdict == .rejected, "\(outcome.explanation)")
        let measured = try #require(outcome.measured)
        #expect(measured.value - 4 * measured.standardError > 0.1, "\(outcome.explanation)")
    }
}
