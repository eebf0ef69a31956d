import Foundation
import Studies

// Encoding and table scaffolding shared by the study reports (``ConvergenceReport``,
// ``VarianceSweepReport``, ``WorkPrecisionReport``).

/// A JSON document of a report: pretty-printed with sorted keys. `nonFiniteAsStrings` writes
/// ±∞ and NaN as "inf", "-inf", "nan" (otherwise they fail to encode); `escapingSlashes: false`
/// leaves "/" unescaped. A non-finite number that reaches the encoder otherwise is a
/// ``NumericalFailure`` naming the field, never an `EncodingError` (the studies check their
/// statistics before encoding; this is the net under those checks).
func reportJSON<T: Encodable>(_ value: T, nonFiniteAsStrings: Bool = false, escapingSlashes: Bool = true) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = escapingSlashes ? [.prettyPrinted, .sortedKeys] : [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    if nonFiniteAsStrings {
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    }
    do {
        return try encoder.encode(value)
    } catch EncodingError.invalidValue(let number as Double, let context) where !number.isFinite {
        let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }
        throw NumericalFailure("the report's \(field) is \(number) (not a finite number): the run's numbers overflow or underflow double precision; use less extreme values of --dt, --horizon, --noise, --beta or --particles")
    }
}

/// A CSV number: `String(x)` when finite, the empty field otherwise.
func csvNumber(_ x: Double) -> String { x.isFinite ? String(x) : "" }

/// CSV text: the `header` line, then one line per item with its `fields` joined by commas;
/// every line ends in "\n".
func csvTable<Item>(header: String, _ items: [Item], fields: (Item) -> [String]) -> String {
    ([header] + items.map { fields($0).joined(separator: ",") }).joined(separator: "\n") + "\n"
}

/// `text` left-aligned in a column of `width` characters (one space after it when it fills the column).
func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
