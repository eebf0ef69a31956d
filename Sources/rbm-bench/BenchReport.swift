import Foundation
import Studies

/// One measured figure of a section: a name such as "fractionOfDgemmPeak.threads1", its value and
/// unit ("fraction" for a ratio to a peak or limit measured in the same run).
struct BenchFigure: Encodable {
    var name: String
    var value: Double
    var unit: String

    init(_ name: String, _ value: Double, _ unit: String) {
        self.name = name
        self.value = value
        self.unit = unit
    }

    private enum CodingKeys: String, CodingKey { case name, value, unit }

    /// A non-finite value (a failed measurement) is written as null, never as a number.
    func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        if value.isFinite { try container.encode(value, forKey: .value) } else { try container.encodeNil(forKey: .value) }
        try container.encode(unit, forKey: .unit)
    }
}

/// The output of one section: `{"schema", "section", "figures": [{"name", "value", "unit"}],
/// "manifest"}` (schema "rbm-study/bench/1", published in schemas/bench.schema.json).
struct BenchReport: Encodable {
    var schema = "rbm-study/bench/1"
    var section: String
    var figures: [BenchFigure]
    var manifest: RunManifest

    func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// Aligned text: a header with the machine, then one figure per line.
    func table() -> String {
        var lines = ["rbm-bench \(section) — \(manifest.cpu); BLAS \(manifest.blas); \(manifest.threads) cores; commit \(manifest.gitCommit)"]
        let width = max(24, figures.map(\.name.count).max() ?? 0)
        for f in figures {
            lines.append("  " + f.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  "
                         + String(format: "%12.5g", f.value) + "  " + f.unit)
        }
        lines.append(String(format: "  (wall time of the section %.1f s)", manifest.wallSeconds))
        return lines.joined(separator: "\n") + "\n"
    }
}
