import Foundation
import NumericsCore
import Studies

/// A long-format ("tidy") table of a report: one row per estimate, with the columns
///
///     system,N,d,estimator,sizeName,size,GRID…,kind,value,SE,count,seed,EXTRA…
///
/// `system`, `N` and `d` say where the estimate was measured, `estimator` and `sizeName`/`size`
/// which approximation at which size (`sizeName` is the size parameter's symbol: p, π, m, c, F or
/// N), the grid columns (e.g. `tau`, `t`) where on the study's grid, `kind` what was estimated,
/// `value ± SE` over `count` samples the estimate, and `seed` the seed of the run. The extra
/// columns carry what a table needs beside the estimate (intervals, theory, verdicts). A field
/// that does not apply, or a number that is not finite, is empty.
///
/// `--out DIR` writes each table as `DIR/NAME.csv`; `--format csv` prints the tables in the
/// report's order, each after a line `# table: NAME`.
public struct TidyTable: Sendable {
    /// The table's name: its file is NAME.csv.
    public let name: String
    /// The grid columns between `size` and `kind` (e.g. ["tau"]); may be empty.
    public let gridColumns: [String]
    /// The columns after `seed`.
    public let extraColumns: [String]
    public private(set) var rows: [TidyRow] = []

    /// The columns every table starts with, before the grid columns.
    public static let leadingColumns = ["system", "N", "d", "estimator", "sizeName", "size"]
    /// The estimate's columns, after the grid columns and before the extra ones.
    public static let estimateColumns = ["kind", "value", "SE", "count", "seed"]

    public init(name: String, gridColumns: [String] = [], extraColumns: [String] = []) {
        self.name = name
        self.gridColumns = gridColumns
        self.extraColumns = extraColumns
    }

    /// Every column name, in order.
    public var columns: [String] { Self.leadingColumns + gridColumns + Self.estimateColumns + extraColumns }

    /// Appends a row; `grid` and `extra` are keyed by column name (a key that is not a column of
    /// this table is a programming error caught by the tests, never by a user).
    public mutating func append(_ row: TidyRow) { rows.append(row) }

    /// The table as CSV (RFC 4180: a field with a comma, quote or line break is quoted), header first.
    public func csv() -> String {
        var lines = [columns.joined(separator: ",")]
        for row in rows {
            var fields = [row.system, row.particles.map(String.init) ?? "", row.dimension.map(String.init) ?? "", row.estimator,
                          row.sizeName, row.size.map(Self.size) ?? ""]
            fields += gridColumns.map { row.grid[$0] ?? "" }
            fields += [row.kind, row.estimate.map { csvNumber($0.value) } ?? "",
                       row.estimate.map { csvNumber($0.standardError) } ?? "", row.estimate.map { String($0.count) } ?? "",
                       row.seed.map(String.init) ?? ""]
            fields += extraColumns.map { row.extra[$0] ?? "" }
            lines.append(fields.map(Self.field).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A size: an integer without ".0" (p = 8, m = 64), any other number as `String(x)`.
    public static func size(_ x: Double) -> String {
        x.isFinite && x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : csvNumber(x)
    }

    /// A CSV field, quoted when it holds a comma, a quote or a line break.
    public static func field(_ text: String) -> String {
        text.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    /// Every table of a report for stdout: each after a line `# table: NAME`, in the given order.
    public static func concatenated(_ tables: [TidyTable]) -> String {
        tables.map { "# table: \($0.name)\n" + $0.csv() }.joined()
    }
}

/// One estimate of a ``TidyTable``.
public struct TidyRow: Sendable {
    public var system: String
    public var particles: Int?
    public var dimension: Int?
    public var estimator: String
    public var sizeName: String
    public var size: Double?
    /// Grid values by column name (already formatted).
    public var grid: [String: String]
    public var kind: String
    /// value, SE and count; nil when the row has no estimate (e.g. a measured cost).
    public var estimate: Estimate?
    public var seed: UInt64?
    /// Extra fields by column name (already formatted).
    public var extra: [String: String]

    public init(system: String, particles: Int?, dimension: Int?, estimator: String, sizeName: String, size: Double?,
                grid: [String: String] = [:], kind: String, estimate: Estimate?, seed: UInt64?, extra: [String: String] = [:]) {
        self.system = system
        self.particles = particles
        self.dimension = dimension
        self.estimator = estimator
        self.sizeName = sizeName
        self.size = size
        self.grid = grid
        self.kind = kind
        self.estimate = estimate
        self.seed = seed
        self.extra = extra
    }
}

/// Where a report's estimates were measured: the columns `system`, `N`, `d` and `seed` of its
/// tidy tables.
public struct TidyContext: Sendable {
    public var system: String
    public var particles: Int?
    public var dimension: Int?
    public var seed: UInt64?

    public init(system: String, particles: Int?, dimension: Int?, seed: UInt64?) {
        self.system = system
        self.particles = particles
        self.dimension = dimension
        self.seed = seed
    }

    /// A row measured here.
    public func row(estimator: String, sizeName: String, size: Double?, grid: [String: String] = [:], kind: String,
                    estimate: Estimate?, extra: [String: String] = [:]) -> TidyRow {
        TidyRow(system: system, particles: particles, dimension: dimension, estimator: estimator, sizeName: sizeName, size: size,
                grid: grid, kind: kind, estimate: estimate, seed: seed, extra: extra)
    }
}

/// A CSV number for a tidy table: `String(x)` when finite, empty otherwise (nil too).
func tidyNumber(_ x: Double?) -> String { x.map(csvNumber) ?? "" }

/// A study configuration that says where its estimates are measured (for the tidy tables of a
/// calibration, which has no report of its own to ask).
public protocol TidyDescribed {
    var tidyContext: TidyContext { get }
}

extension ConvergenceConfiguration: TidyDescribed {
    public var tidyContext: TidyContext {
        TidyContext(system: system.rawValue, particles: particles, dimension: system == .dyson ? 1 : dimension, seed: seed)
    }
}

extension VarianceSweepConfiguration: TidyDescribed {
    /// Systems joined by "+" (a calibration pools them); d when one is given.
    public var tidyContext: TidyContext {
        TidyContext(system: systems.joined(separator: "+"), particles: particles, dimension: dimension, seed: seed)
    }
}

extension WorkPrecisionConfiguration: TidyDescribed {
    public var tidyContext: TidyContext {
        TidyContext(system: "attention", particles: attention.tokens, dimension: attention.dimension, seed: seed)
    }
}
