import Foundation
import Reports
import Studies

extension OutputOptions {
    /// Runs a `--calibrate R` study and writes its table/JSON/CSV (`calibration.json`,
    /// `calibration.csv`, `test-sizes.csv` under `--out`). `--report` is refused: the
    /// calibration prints its own table.
    func calibrate<Configuration>(seeds: Int,
                                  _ run: (@escaping @Sendable (Int, Int) -> Void) throws -> CalibrationReport<Configuration>) throws {
        try require(seeds >= 2 && seeds <= 100_000, "--calibrate", "must be an integer in [2, 100000] (got \(seeds))")
        try require(report == nil, "--report", "is not available with --calibrate (the calibration prints its own table)")
        let outDirectory = try prepare()
        var result = try ProgressReporter.run(label: "calibrate", unit: "seeds", run)
        result.manifest.command = commandLine
        let json = try result.json()
        try emit(json: json, table: result.table(), csv: result.coverageCSV(),
                 artifacts: [("calibration.json", json), ("calibration.csv", Data(result.coverageCSV().utf8)),
                             ("test-sizes.csv", Data(result.sizesCSV().utf8))],
                 directory: outDirectory, warnings: []) { _ in }
    }
}
