import Foundation
import NumericsCore
import Studies

/// Section `calibration`: `rbm-study convergence --calibrate R` (the default study rerun over R
/// seeds, R = 8; under quick R = 2 with 25 trajectories instead of 100) on all cores, seconds per
/// seed, against one plain run of the same study measured in this run: `perSeedOverSingleRun`
/// (ideal 1; above 1 is the calibration's own overhead or noise).
enum CalibrationSection {
    static func run(_ scale: BenchScale) throws -> [BenchFigure] {
        var configuration = ConvergenceConfiguration()
        configuration.threads = availableCores
        if scale.quick { configuration.trajectories = 25 }
        let seeds = scale.pick(full: 8, quick: 2)
        let single = try seconds { _ = try ConvergenceStudy.run(configuration) }
        let report = try ConvergenceCalibrationReport.run(configuration, seeds: seeds)
        return [
            BenchFigure("seeds", Double(seeds), "R"),
            BenchFigure("singleRunSeconds", single, "s"),
            BenchFigure("secondsPerSeed", report.secondsPerSeed, "s"),
            BenchFigure("perSeedOverSingleRun", report.secondsPerSeed / single, "ratio"),
        ]
    }
}
