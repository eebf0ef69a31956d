import Foundation
import Studies

/// The elements of a comma-separated list, trimmed of spaces; empty elements are kept.
func commaSeparated(_ text: String) -> [String] {
    text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
}

/// Parses a comma-separated list of names (estimators, …); an empty or repeated name is bad input for `option`.
func parseNames(_ text: String, option: String) throws -> [String] {
    let names = commaSeparated(text)
    try require(names.allSatisfy { !$0.isEmpty }, option, "has an empty name in '\(text)'")
    try rejectDuplicates(names, names, option: option, list: text)
    return names
}

/// Parses a comma-separated list; any malformed or repeated element (by value: 0.5 and .5 are the
/// same) is bad input for `option`.
func parseList<T: Hashable>(_ text: String, option: String, _ parse: (String) -> T?) throws -> [T] {
    let parts = commaSeparated(text)
    let values = try parts.map { part in
        guard let value = parse(part) else { throw InvalidInput(option: option, "'\(part)' is not a valid number in the comma-separated list '\(text)'") }
        return value
    }
    try rejectDuplicates(values, parts, option: option, list: text)
    return values
}

/// Bad input when a value appears twice (a repeated entry would double rows and narrow the fits' intervals).
func rejectDuplicates<T: Hashable>(_ values: [T], _ parts: [String], option: String, list: String) throws {
    var seen: [T: String] = [:]
    for (value, part) in zip(values, parts) {
        if let earlier = seen[value] {
            throw InvalidInput(option: option, "lists \(earlier == part ? "'\(part)'" : "'\(earlier)' and '\(part)' (the same value)") twice in '\(list)'; give each entry once")
        }
        seen[value] = part
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

/// `--max-memory`: the peak memory a run may need. Accepts bytes or a number with K, M, G or T
/// (powers of 1024, an optional trailing B or iB); nil means the machine's memory.
struct MemoryLimit {
    let bytes: Double
    let source: String

    init(_ text: String?) throws {
        guard let text else {
            bytes = Self.machineMemory()
            source = "this machine's memory"
            return
        }
        var digits = text.trimmingCharacters(in: .whitespaces).uppercased()
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) && digits.count > suffix.count { digits.removeLast(suffix.count); break }
        var scale = 1.0
        if let last = digits.last, let power = ["K": 1.0, "M": 2.0, "G": 3.0, "T": 4.0][String(last)] {
            scale = pow(1024, power)
            digits.removeLast()
        }
        guard let value = Double(digits), value.isFinite, value > 0, value * scale <= 1e18 else {
            throw InvalidInput(option: "--max-memory", "must be a positive size such as 8G, 512M or 1073741824 (got '\(text)')")
        }
        bytes = value * scale
        source = "--max-memory \(text)"
    }

    /// Physical memory, or the cgroup's limit when it is smaller (containers).
    static func machineMemory() -> Double {
        var limit = Double(ProcessInfo.processInfo.physicalMemory)
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let value = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), value > 0 {
                limit = min(limit, value)
            }
        }
        return limit
    }

    /// Refuses (exit 2) a run whose estimated peak memory exceeds the limit.
    func check(estimate: Double, what: String, advice: String) throws {
        try require(estimate <= bytes, "--max-memory",
                    "the run needs about \(formatBytes(estimate)) (\(what)), more than the \(formatBytes(bytes)) of \(source); \(advice), or raise the limit with --max-memory")
    }
}

/// 1.5 GB, 320 MB, …
func formatBytes(_ bytes: Double) -> String {
    bytes >= 1e9 ? String(format: "%.1f GB", bytes / 1e9) : String(format: "%.0f MB", bytes / 1e6)
}
