import Foundation
import Studies

/// The elements of a comma-separated list, trimmed of spaces; empty elements are kept.
func commaSeparated(_ text: String) -> [String] {
    text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
}

/// Parses a comma-separated list of names (estimators, …); an empty name is bad input for `option`.
func parseNames(_ text: String, option: String) throws -> [String] {
    let names = commaSeparated(text)
    try require(names.allSatisfy { !$0.isEmpty }, option, "has an empty name in '\(text)'")
    return names
}

/// Parses a comma-separated list; any malformed element is bad input for `option`.
func parseList<T>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
    try commaSeparated(text).map { part in
        guard let value = parse(part) else { throw InvalidInput(option: option, "'\(part)' is not a valid number in the comma-separated list '\(text)'") }
        return value
    }
}

/// Creates `path` if needed and checks that files can be written there; bad input otherwise.
func preparedDirectory(_ path: String, option: String) throws -> URL {
    let url = URL(fileURLWithPath: path.isEmpty ? "." : path, isDirectory: true)
    do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
        throw InvalidInput(option: option, "cannot create directory '\(path)'")
    }
    guard FileManager.default.isWritableFile(atPath: url.path) else {
        throw InvalidInput(option: option, "directory '\(path)' is not writable")
    }
    return url
}
