import Estimators
import Studies

// Small, fast study configurations shared by the test targets.

/// A small, fast configuration of the smooth problem (N = 32, d = 2).
public func smallConvergenceConfiguration(threads: Int = 1) -> ConvergenceConfiguration {
    var c = ConvergenceConfiguration()
    c.particles = 32
    c.batchSizes = [2, 8]
    c.timeSteps = [1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128]
    c.horizon = 1
    c.trajectories = 64
    c.threads = threads
    c.bootstrapReplicates = 200
    return c
}

/// A small smooth study (N = 16, two batch sizes, four levels) that runs in ≈ 0.1 s per seed.
public func smallCalibrationConfiguration(noise: Double?) -> ConvergenceConfiguration {
    var c = ConvergenceConfiguration()
    c.system = .smooth
    c.particles = 16
    c.batchSizes = [2, 4]
    c.timeSteps = [0.2, 0.1, 0.05, 0.025]
    c.horizon = 1
    c.noise = noise
    c.trajectories = 40
    c.threads = 2
    c.bootstrapReplicates = 100
    return c
}

/// A small attention configuration: N = 32 tokens on S², β = 1, Q = K = V = I.
public func smallAttentionConfiguration(_ normalization: AttentionNormalization, estimator: String = "rba",
                                 batchSizes: [Int] = [2, 4, 8]) -> ConvergenceConfiguration {
    var c = ConvergenceConfiguration()
    c.system = .attention
    c.estimator = estimator
    c.particles = 32
    c.dimension = 3
    c.attention.normalization = normalization
    c.batchSizes = batchSizes
    c.timeSteps = [1.0 / 8, 1.0 / 16, 1.0 / 32, 1.0 / 64, 1.0 / 128]
    c.horizon = 1
    c.trajectories = 48
    c.threads = 2
    c.bootstrapReplicates = 200
    return c
}

/// A small variance sweep (N = 16, 400 draws × 2 configurations, seed 77) of `systems`.
public func smallVarianceSweepConfiguration(_ systems: [String] = ["smooth"]) -> VarianceSweepConfiguration {
    var c = VarianceSweepConfiguration()
    c.systems = systems
    c.particles = 16
    c.draws = 400
    c.configurations = 2
    c.seed = 77
    return c
}
