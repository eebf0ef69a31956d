/// The numbers a verdict rests on, as a table (one row per level, size or configuration).
public struct ClaimEvidence: Codable, Sendable, Equatable {
    public var columns: [String]
    public var rows: [[String]]

    public init(columns: [String], rows: [[String]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The table in Markdown.
    public var markdown: String {
        guard !columns.isEmpty else { return "" }
        var lines = ["| " + columns.joined(separator: " | ") + " |", "|" + String(repeating: "---|", count: columns.count)]
        lines += rows.map { "| " + $0.joined(separator: " | ") + " |" }
        return lines.joined(separator: "\n")
    }
}
