import Foundation
import Studies

/// A file format a figure is rendered to: SVG for the Markdown notebooks (always), PDF and PNG
/// beside it for papers and slides (`--plot-format svg,pdf,png`).
public enum PlotFormat: String, CaseIterable, Sendable {
    case svg, pdf, png

    /// The formats named in a comma-separated list (`"svg,pdf"`), SVG always first and included;
    /// nil when a name is not a format, so the caller can reject the option before any work.
    public static func list(_ text: String) -> [PlotFormat]? {
        var formats: [PlotFormat] = [.svg]
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard let format = PlotFormat(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            if !formats.contains(format) { formats.append(format) }
        }
        return formats
    }

    /// The gnuplot terminal for a figure of `width` × `height` inches with the theme's font: SVG at
    /// 72 units per inch (its font sizes are in those units; the SVG scales to the page), PNG at
    /// 150 px per inch (fonts and lines scaled to match), PDF in inches. It also sets `PS`, the
    /// factor of every point size, since the SVG terminal draws points about twice as large.
    func terminal(width: Double, height: Double) -> String {
        let font = FigureTheme.fontSize
        switch self {
        case .svg:
            return "set terminal svg size \(Int(width * 72)),\(Int(height * 72)) dynamic enhanced font 'sans,\(font)' linewidth 1 background rgb 'white'\nPS = 0.55"
        case .png:
            return "set terminal pngcairo size \(Int(width * 150)),\(Int(height * 150)) enhanced font 'sans,\(font)' fontscale \(150.0 / 72) linewidth 2.5 background rgb 'white'\nPS = 1"
        case .pdf:
            return "set terminal pdfcairo size \(width)in,\(height)in enhanced font 'sans,\(font)' linewidth 1.2 background rgb 'white'\nPS = 1"
        }
    }
}

/// One plotted point: `x`, `y` and, when the caption promises error bars, their ends.
struct FigurePoint {
    var x: Double
    var y: Double
    var low: Double?
    var high: Double?
}

/// One data series of a panel; colour and marker come from ``FigureTheme`` by position unless
/// `colour` or `pointType` override them (black for a reference such as the time error or a
/// Pareto front; one colour per batch size with a marker per normalisation).
struct FigureSeries {
    enum Mark { case linesPoints, points, lines, steps }
    var title: String
    var points: [FigurePoint]
    var mark: Mark = .linesPoints
    var dashed = false
    var colour: String? = nil
    var pointType: Int? = nil
    /// `x1y2` for a series on the right-hand axis.
    var axes: String? = nil
}

/// One panel: axes, series, and `curves`, gnuplot plot elements already styled and titled (fitted
/// lines, reference slopes, floors), plus `settings` (arrows, labels, fixed ranges).
struct FigurePanel {
    var title: String? = nil
    var xlabel: String
    var ylabel: String
    var logX = true
    var logY = true
    var series: [FigureSeries] = []
    var curves: [String] = []
    var settings: [String] = []
    /// Where the key sits (gnuplot `set key` position words): inside the plot unless they say
    /// `below` (a key of many entries, in rows under the plot).
    var key = "top right"
}

/// The one figure style of every notebook plot, so that all figures read alike and survive being
/// printed at column width:
///
/// - a fixed colour-blind-safe palette (Okabe–Ito, with Paul Tol's wine for Okabe–Ito's yellow,
///   which is invisible on white) and a distinct marker per series, so colour is never the only cue;
/// - a key at 8 pt inside the panel on an opaque background, or below it in two columns when it
///   is long, never a third of the width;
/// - log axes labelled 10^k (1-2-5 labels when the axis holds fewer than two powers of ten);
/// - ranges fitted to the data with a small margin; a point more than a decade beyond all others
///   is an outlier: it is drawn at the axis edge as a triangle, with its value in the key,
///   instead of stretching the axis (error bars are cut at the border, as usual);
/// - several panels (small multiples) in one figure share their ranges, so they compare at a glance.
struct Figure {
    var panels: [FigurePanel]
    var columns: Int
    /// Size in inches (see ``PlotFormat``).
    var width: Double
    var height: Double
    init(_ panels: [FigurePanel], columns: Int = 1, width: Double = 5.0, height: Double = 3.8) {
        self.panels = panels
        self.columns = columns
        self.width = width
        self.height = height
    }

    /// The gnuplot script without a terminal (``GnuplotRenderer`` adds one per format).
    var script: String {
        var lines = ["set encoding utf8", "set tics font ',\(FigureTheme.fontSize - 1)'", "set border lw 1",
                     "set grid lc rgb '#dddddd' lw 0.5", "set errorbars small"]
        let rows = (panels.count + columns - 1) / max(1, columns)
        if panels.count > 1 {
            // Fixed margins in inches (tick labels, the outer axis labels and the panel titles fit):
            // gnuplot's automatic ones leave more space between panels than inside them.
            let (w, h) = (width, height)
            lines.append("set multiplot layout \(rows),\(columns) margins \(1.0 / w),\(1 - 0.15 / w),\(0.75 / h),\(1 - 0.35 / h) spacing \(0.6 / w),\(0.75 / h)")
        }
        let ranges = FigureTheme.ranges(panels)
        for (p, var panel) in panels.enumerated() {
            // Small multiples on shared axes label them once: x below the last panel of each
            // column, y left of each row.
            if panels.count > 1 {
                if p + columns < panels.count { panel.xlabel = "" }
                if p % columns != 0 { panel.ylabel = "" }
            }
            lines += FigureTheme.panelScript(panel, index: p, ranges: ranges)
        }
        if panels.count > 1 { lines.append("unset multiplot") }
        return lines.joined(separator: "\n") + "\n"
    }
}

enum FigureTheme {
    /// The base font size in points (tick labels one point smaller, the key two).
    static let fontSize = 10.0
    /// Okabe–Ito blue, vermillion, bluish green, reddish purple, orange, sky blue, black, and Tol's wine.
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#882255"]
    /// gnuplot point types: filled circle, square, triangle up/down, diamond, then their open forms.
    static let pointTypes = [7, 5, 9, 11, 13, 6, 4, 8, 10, 12]

    /// The colour of the `k`-th series.
    static func colour(_ k: Int) -> String { palette[k % palette.count] }

    /// Colour and, for a series drawn with markers (`size`: 1.1 for markers alone, 0.8 on a line),
    /// marker of the `k`-th series: the pairs never repeat within 40 series. gnuplot rejects a
    /// point size on lines, so there is none without `size`.
    static func style(_ k: Int, colour: String? = nil, pointType: Int? = nil, size: Double? = nil) -> String {
        let lc = "lc rgb '\(colour ?? self.colour(k))'"
        guard let size else { return lc }
        return lc + " pt \(pointType ?? pointTypes[(k + k / palette.count) % pointTypes.count]) ps \(size)*PS"
    }

    /// The fitted ranges and outliers of some panels.
    struct Ranges {
        var x: (Double, Double)?
        var y: (Double, Double)?
        /// Point values beyond the y range, drawn at its edge.
        var outliers: Set<Double> = []
    }

    /// Ranges over every series point of `panels` (log axes only; linear axes are left to gnuplot).
    /// Outliers: sorted on the log scale, a value more than one decade from the next one, at either
    /// end, is set apart (repeatedly, at most a quarter of the points).
    static func ranges(_ panels: [FigurePanel]) -> Ranges {
        let points = panels.flatMap { $0.series.filter { $0.axes == nil }.flatMap(\.points) }.filter { $0.x.isFinite && $0.y.isFinite }
        var result = Ranges()
        if panels.allSatisfy(\.logX) {
            result.x = padded(points.map(\.x).filter { $0 > 0 })
        }
        guard panels.allSatisfy(\.logY) else { return result }
        var kept = points.filter { $0.y > 0 }.sorted { $0.y < $1.y }
        var removed = 0
        while kept.count >= 4 && removed < kept.count / 4 {
            if log10(kept[kept.count - 1].y / kept[kept.count - 2].y) > 1 {
                result.outliers.insert(kept.removeLast().y)
            } else if log10(kept[1].y / kept[0].y) > 1 {
                result.outliers.insert(kept.removeFirst().y)
            } else { break }
            removed += 1
        }
        // Error bars widen the range by at most a factor 3 each way; beyond that they are cut.
        let ends = kept.flatMap { [max($0.low ?? $0.y, $0.y / 3), min($0.high ?? $0.y, $0.y * 3)] }.filter { $0 > 0 && $0.isFinite }
        result.y = padded(ends)
        return result
    }

    /// [min, max] of positive `values` widened on a log scale by 5% of their span (at least 0.04
    /// of a decade), nil when there are none.
    static func padded(_ values: [Double]) -> (Double, Double)? {
        guard let low = values.min(), let high = values.max() else { return nil }
        let pad = max(0.04, 0.05 * log10(high / low))
        return (low / pow(10, pad), high * pow(10, pad))
    }

    /// `set` commands for one log axis over `range`: 10^k labels with minor ticks when it holds two
    /// powers of ten or more, else explicit labels at 1, 2 and 5 × 10^k (all digits 1–9 when that
    /// leaves fewer than two).
    static func logAxis(_ axis: String, _ range: (Double, Double)) -> [String] {
        let (low, high) = range
        var lines = ["set logscale \(axis)", "set \(axis)range [\(low):\(high)]"]
        if floor(log10(high)) - ceil(log10(low)) >= 1 {
            lines += ["set format \(axis) '10^{%L}'", "set m\(axis)tics 10"]
        } else {
            let decades = Int(floor(log10(low)))...Int(ceil(log10(high)))
            var ticks = decades.flatMap { k in [1.0, 2, 5].map { $0 * pow(10, Double(k)) } }.filter { $0 >= low && $0 <= high }
            if ticks.count < 2 { ticks = decades.flatMap { k in (1...9).map { Double($0) * pow(10, Double(k)) } }.filter { $0 >= low && $0 <= high } }
            lines.append("set \(axis)tics (" + ticks.map { "'\(String(format: "%g", $0))' \($0)" }.joined(separator: ", ") + ")")
        }
        return lines
    }

    /// The commands of one panel: axes, key, data blocks (`$pPsK`), outlier markers and the plot.
    static func panelScript(_ panel: FigurePanel, index p: Int, ranges: Ranges) -> [String] {
        var s = ["unset logscale", "unset arrow", "unset label", "unset title", "set autoscale", "set xtics autofreq", "set ytics autofreq",
                 "set format x '% h'", "set format y '% h'", "set mxtics default", "set mytics default"]
        // A key below the plot is laid out in two columns when longer than four entries (it would
        // otherwise be as tall as the plot)
        // and is transparent (an opaque one would cover the x label, which is raised a little).
        let below = panel.key.contains("below")
        let entries = panel.series.count + panel.curves.count
        if let title = panel.title { s.append("set title '\(title)' font ',\(fontSize)' offset 0,-0.6") }
        s += ["set xlabel '\(panel.xlabel)'\(below ? " offset 0,0.4" : "")", "set ylabel '\(panel.ylabel)'", "set tics scale 0.6",
              "set key \(panel.key)\(below ? " vertical maxrows \(entries <= 4 ? entries : (entries + 1) / 2)" : " inside opaque") nobox reverse Left samplen 1.5 spacing 0.9 width -1 font ',\(fontSize - 2)'"]
        if panel.logX, let x = ranges.x { s += logAxis("x", x) } else if panel.logX { s.append("set logscale x") }
        if panel.logY, let y = ranges.y { s += logAxis("y", y) } else if panel.logY { s.append("set logscale y") }
        s += panel.settings
        var plots: [String] = []
        for (k, series) in panel.series.enumerated() {
            let size: Double? = switch series.mark {
            case .points: 1.1
            case .linesPoints: 0.8
            case .lines, .steps: nil
            }
            let style = style(k, colour: series.colour, pointType: series.pointType, size: size)
            let shown = series.points.filter { !ranges.outliers.contains($0.y) }
            let block = "$p\(p)s\(k)"
            let bars = shown.contains { $0.low != nil }
            s.append("\(block) << EOD")
            s += shown.map { bars ? "\($0.x) \($0.y) \($0.low ?? $0.y) \($0.high ?? $0.y)" : "\($0.x) \($0.y)" }
            s.append("EOD")
            let dash = series.dashed ? " dt 2" : ""
            let axes = series.axes.map { " axes \($0)" } ?? ""
            let using = bars && (series.mark == .linesPoints || series.mark == .points) ? "using 1:2:3:4" : "using 1:2"
            let with: String
            switch series.mark {
            case .linesPoints: with = bars ? "yerrorlines" : "linespoints"
            case .points: with = bars ? "yerrorbars" : "points"
            case .lines: with = "lines lw 1.5"
            case .steps: with = "steps lw 1.5"
            }
            plots.append("\(block) \(using)\(axes) with \(with) \(style)\(dash) title '\(series.title)'")
            // Off-scale points: a triangle at the edge they lie beyond, explained by a key entry
            // with their value.
            if let (bottom, top) = ranges.y {
                for point in series.points where ranges.outliers.contains(point.y) {
                    let above = point.y > top
                    let edge = above ? top / pow(top / bottom, 0.03) : bottom * pow(top / bottom, 0.03)
                    let marker = "pt \(above ? 9 : 11) ps 1.4*PS lc rgb '\(series.colour ?? colour(k))'"
                    s.append("set label '' at \(point.x),\(edge) point \(marker) front")
                    plots.append("NaN with points \(marker) title '\(series.title) = \(String(format: "%.3g", point.y)), off scale'")
                }
            }
        }
        plots += panel.curves
        s.append("plot " + (plots.isEmpty ? ["1/0 notitle"] : plots).joined(separator: ", \\\n     "))
        return s
    }
}
