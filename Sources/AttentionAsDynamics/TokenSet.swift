import Foundation
import NumericsCore
import ParticleSystems

/// Where a set of N tokens in ℝᵈ comes from: generated from a seeded stream, or read from a CSV
/// file (one token per row, d comma-separated numbers; blank lines and lines starting with `#`
/// are skipped).
public enum TokenSet: Sendable, Equatable {
    /// i.i.d. uniform on the unit sphere S^{d−1} (normalised Gaussians).
    case uniformSphere
    /// i.i.d. N(0, I/d), so ‖x‖ ≈ 1 for large d.
    case gaussian
    /// `clusters` centres uniform on the sphere; each token is a centre plus N(0, spread²·I/d),
    /// assigned round-robin (token i to centre i mod clusters).
    case clustered(clusters: Int, spread: Double)
    /// A token file (CSV).
    case file(String)

    /// The tokens as an N×d matrix. For `.file`, N and d come from the file and must match the
    /// requested ones when those are given.
    public func tokens(count n: Int?, dimension d: Int?, stream: RandomStream) throws -> Matrix {
        switch self {
        case .file(let path):
            let x = try TokenFile.load(path)
            if let n, n != x.rows { throw TokenFile.Error(path: path, message: "has \(x.rows) tokens but \(n) were requested") }
            if let d, d != x.columns { throw TokenFile.Error(path: path, message: "has dimension \(x.columns) but \(d) was requested") }
            return x
        case .uniformSphere, .gaussian, .clustered:
            guard let n, let d else { preconditionFailure("generated tokens need N and d") }
            var x = Matrix(rows: n, columns: d)
            switch self {
            case .uniformSphere:
                stream.fillGaussian(&x.elements)
                Sphere.normalizeRows(&x.elements, dimension: d)
            case .gaussian:
                stream.fillGaussian(&x.elements, scale: 1 / Double(d).squareRoot())
            case .clustered(let clusters, let spread):
                var centres = [Double](repeating: 0, count: clusters * d)
                stream.fillGaussian(&centres)
                Sphere.normalizeRows(&centres, dimension: d)
                stream.fillGaussian(&x.elements, scale: spread / Double(d).squareRoot())
                for i in 0..<n { for c in 0..<d { x[i, c] += centres[(i % clusters) * d + c] } }
            case .file:
                break
            }
            return x
        }
    }
}

/// Reads token (and matrix) files: CSV, one row per line, every row the same width, every entry a
/// finite number.
public enum TokenFile {
    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public let path: String
        public let message: String
        public var description: String { "\(path) \(message)" }
    }

    public static func load(_ path: String) throws -> Matrix {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Error(path: path, message: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw Error(path: path, message: "is not UTF-8 text") }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> Matrix {
        var elements: [Double] = [], columns: Int? = nil, rows = 0
        // "\r\n" is one Character in Swift: split on it too, so CRLF files read line by line.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }
        for (number, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if let columns, fields.count != columns {
                throw Error(path: path, message: "line \(number + 1) has \(fields.count) entries, expected \(columns) (ragged rows)")
            }
            columns = fields.count
            for field in fields {
                let trimmed = field.trimmingCharacters(in: .whitespaces)
                // Double(_:) stops at a NUL byte ("2\0x" would read as 2): control characters are refused.
                guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }),
                      let value = Double(trimmed), value.isFinite else {
                    throw Error(path: path, message: "line \(number + 1): '\(trimmed)' is not a finite number")
                }
                elements.append(value)
            }
            rows += 1
        }
        guard let columns, rows > 0 else { throw Error(path: path, message: "contains no rows") }
        return Matrix(rows: rows, columns: columns, elements: elements)
    }
}
