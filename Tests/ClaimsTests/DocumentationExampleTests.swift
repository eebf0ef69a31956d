import Claims
import Studies
import Testing

/// The example of the Claims documentation article "Checking a theorem in your own tests",
/// kept here so that the snippet is known to compile and pass. Keep the two in step.
@Suite("Documentation examples")
struct DocumentationExampleTests {
    @Test("the Random Batch error against full Euler–Maruyama has order 1/2 in the time step")
    func randomBatchErrorHasOrderOneHalf() throws {
        var configuration = ConvergenceConfiguration()
        configuration.system = .smooth
        configuration.particles = 32
        configuration.batchSizes = [4]
        configuration.timeSteps = [1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128]
        configuration.horizon = 1
        configuration.trajectories = 64
        configuration.bootstrapReplicates = 0
        configuration.seed = 20_251_123

        let report = try ConvergenceStudy.run(configuration)

        let claim = OrderClaim(kind: .batch, batchSize: 4, order: 0.5, tolerance: 0.1)
        let verdict = claim.check(report)
        #expect(verdict.holds, "\(verdict.explanation)")
    }
}
