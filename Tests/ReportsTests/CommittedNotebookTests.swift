import Foundation
import Testing

/// The committed notebooks answer their question, and nothing committed cites a document outside
/// the repository: every notebook in notebooks-md/ has a Question and an Answer section with at
/// least one answer line, study notebooks give their command and environment, and no source file,
/// notebook, README or package manifest refers to files that are not in this repository (the
/// former "METHODS §" / "DESIGN §" references) or to a machine's temporary directories.
@Suite("Committed notebooks and references")
struct CommittedNotebookTests {
    /// The repository root: this file is Tests/ReportsTests/CommittedNotebookTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func notebooks() throws -> [URL] {
        let directory = root.appendingPathComponent("notebooks-md")
        return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "md" }.sorted { $0.path < $1.path }
    }

    /// The lines of the section `## title`, or nil when the notebook has no such section.
    static func section(_ title: String, of text: String) -> [String]? {
        let lines = text.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "## \(title)") else { return nil }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex { $0.hasPrefix("## ") } ?? rest.endIndex
        return Array(rest[..<end])
    }

    @Test("every committed notebook states its question and answers it")
    func notebooksAnswerTheirQuestion() throws {
        let urls = try Self.notebooks()
        #expect(urls.count >= 10)
        for url in urls {
            let text = try String(contentsOf: url, encoding: .utf8)
            let name = url.lastPathComponent
            #expect(Self.section("Question", of: text) != nil, "\(name) has no Question section")
            let answer = Self.section("Answer", of: text) ?? []
            #expect(answer.contains { $0.hasPrefix("- ") }, "\(name) has no answer lines")
            if name != "calibration.md" {  // its commands stand in each section instead
                #expect(Self.section("Command", of: text) != nil, "\(name) has no Command section")
                #expect(Self.section("Environment", of: text) != nil, "\(name) has no Environment section")
            }
        }
    }

    @Test("no committed source, notebook or README cites a document outside the repository")
    func noReferenceOutsideTheRepository() throws {
        let forbidden = ["METHODS §", "METHODS.md", "DESIGN §", "DESIGN.md", "../shared", "/tmp/tmp."]
        var files = [Self.root.appendingPathComponent("README.md"), Self.root.appendingPathComponent("Package.swift")]
        files += try Self.notebooks()
        for directory in ["Sources", "Examples/TheoremChecks/Sources", "Examples/TheoremChecks/Tests"] {
            let base = Self.root.appendingPathComponent(directory)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker where ["swift", "md", "c", "h"].contains(url.pathExtension) {
                files.append(url)
            }
        }
        #expect(files.count > 100)
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            for pattern in forbidden {
                #expect(!text.contains(pattern), "\(url.path) contains \(pattern)")
            }
        }
    }
}
