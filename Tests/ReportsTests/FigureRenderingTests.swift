import Foundation
import Reports
import Studies
import Testing
import TestSupport

/// The notebook figures render: gnuplot exits 0 and every requested format is written beside
/// the notebook, non-empty and of the right kind (PDF and PNG signatures); `--plot-format` lists
/// parse, SVG always included.
@Suite("Figure rendering")
struct FigureRenderingTests {
    @Test("plot format lists: SVG always first, unknown names rejected")
    func formatLists() {
        #expect(PlotFormat.list("svg") == [.svg])
        #expect(PlotFormat.list("png,pdf") == [.svg, .png, .pdf])
        #expect(PlotFormat.list("svg,PDF,pdf") == [.svg, .pdf])
        #expect(PlotFormat.list("svg,jpg") == nil)
        #expect(PlotFormat.list("") == nil)
    }

    @Test("a variance-sweep notebook writes its figures as SVG, PDF and PNG")
    func rendersEveryFormat() throws {
        let report = try VarianceSweepStudy.run(smallVarianceSweepConfiguration())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try VarianceSweepNotebook.write(report, to: directory.appendingPathComponent("sweep.md"), plotFormats: [.svg, .pdf, .png])
        let markdown = try String(contentsOf: directory.appendingPathComponent("sweep.md"), encoding: .utf8)
        #expect(!markdown.contains("Plot not rendered"))
        for kind in ["laws", "cost"] {
            let stem = directory.appendingPathComponent("sweep-smooth-\(kind)")
            let svg = try Data(contentsOf: stem.appendingPathExtension("svg"))
            let pdf = try Data(contentsOf: stem.appendingPathExtension("pdf"))
            let png = try Data(contentsOf: stem.appendingPathExtension("png"))
            #expect(String(decoding: svg.prefix(400), as: UTF8.self).contains("<svg"))
            #expect(pdf.starts(with: Data("%PDF".utf8)))
            #expect(png.starts(with: Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])))
            #expect(markdown.contains("](sweep-smooth-\(kind).svg)"))
        }
    }

    @Test("without other formats only the SVG is written")
    func svgOnly() throws {
        let report = try VarianceSweepStudy.run(smallVarianceSweepConfiguration())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("figures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try VarianceSweepNotebook.write(report, to: directory.appendingPathComponent("sweep.md"))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["sweep-smooth-cost.svg", "sweep-smooth-laws.svg", "sweep.md"])
    }
}
