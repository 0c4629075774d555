import Foundation
import VantageScoring

/// The chart people share (SVG, no scripts or fonts): for each target, the share of ASNs whose
/// vantage points could reach it in each window — in the country, and apart below it, from the
/// controls abroad — with a verdict's span shaded.
enum ReachabilityChart {
    /// Line colours, one per target in name order.
    static let palette = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666"]

    /// The chart of `cells` (windows of `windowMs`), shading `span` (Unix ms) when given.
    static func svg(_ cells: [NationalView.Cell], windowMs: Int64, span: Range<Int64>? = nil, title: String) -> String {
        let windows = Array(Set(cells.map(\.window))).sorted()
        guard let first = windows.first, let last = windows.last else { return "<p class=\"muted\">No measurements yet.</p>" }
        let targets = Array(Set(cells.map(\.target))).sorted()
        let (left, width, plot, gap, controlPlot) = (46, 900, 220, 40, 90)
        let top = 42
        let height = top + plot + gap + controlPlot + 40 + 18 * ((targets.count + 3) / 4)
        let columns = max(1, Int(last - first))
        func x(_ window: Int64) -> Double { Double(left) + Double(window - first) / Double(columns) * Double(width - left - 10) }
        var svg = ["<svg viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(Dashboard.escape(title))\" font-family=\"sans-serif\" font-size=\"11\" class=\"reachability\">",
                   "<rect width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>",
                   "<text x=\"\(left)\" y=\"16\" font-size=\"13\" font-weight=\"bold\">\(Dashboard.escape(title))</text>"]
        let panels: [(name: String, control: Bool, top: Int, height: Int)] = [("in the country", false, top, plot), ("controls abroad", true, top + plot + gap, controlPlot)]
        if let span {
            let (from, to) = (x(span.lowerBound / windowMs), x(max(span.lowerBound / windowMs, (span.upperBound - 1) / windowMs)) + Double(width - left - 10) / Double(columns))
            for panel in panels {
                svg.append("<rect class=\"verdict-span\" x=\"\(Int(from))\" y=\"\(panel.top)\" width=\"\(Int(max(2, to - from)))\" height=\"\(panel.height)\" fill=\"#b2182b\" fill-opacity=\"0.12\"/>")
            }
        }
        for panel in panels {
            svg.append("<text x=\"\(left)\" y=\"\(panel.top - 4)\" fill=\"#555\">share of ASNs that could reach each target, \(panel.name)</text>")
            for percent in [0, 50, 100] {
                let y = panel.top + panel.height - panel.height * percent / 100
                svg.append("<line x1=\"\(left)\" x2=\"\(width - 10)\" y1=\"\(y)\" y2=\"\(y)\" stroke=\"#ddd\"/><text x=\"4\" y=\"\(y + 4)\">\(percent) %</text>")
            }
            var drawn = 0
            for (index, target) in targets.enumerated() {
                let points = windows.compactMap { window -> String? in
                    let here = cells.filter { $0.window == window && $0.target == target && $0.control == panel.control && $0.state != .inconclusive }
                    guard !here.isEmpty else { return nil }
                    let share = Double(here.filter { $0.state == .ok }.count) / Double(here.count)
                    return String(format: "%.1f,%.1f", x(window), Double(panel.top + panel.height) - share * Double(panel.height))
                }
                guard !points.isEmpty else { continue }
                drawn += 1
                svg.append("<polyline class=\"line\" data-target=\"\(Dashboard.escape(target))\" data-control=\"\(panel.control)\" fill=\"none\" stroke=\"\(palette[index % palette.count])\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"/>")
            }
            if drawn == 0 {
                svg.append("<text class=\"empty\" x=\"\(left + 10)\" y=\"\(panel.top + panel.height / 2)\" fill=\"#777\">no vantage point \(panel.control ? "abroad" : "in the country") in the evidence</text>")
            }
        }
        let axis = top + plot + gap + controlPlot + 16
        for window in windows where (window * windowMs) % 10_800_000 == 0 {
            svg.append("<text x=\"\(Int(x(window)))\" y=\"\(axis)\">\(Date(timeIntervalSince1970: Double(window * windowMs) / 1000).rfc3339.dropFirst(11).prefix(5))</text>")
        }
        svg.append("<text x=\"\(width - 60)\" y=\"\(axis)\" fill=\"#555\">UTC</text>")
        for (index, target) in targets.enumerated() {
            let (col, row) = (index % 4, index / 4)
            let (lx, ly) = (left + col * 200, axis + 18 + row * 18)
            svg.append("<rect x=\"\(lx)\" y=\"\(ly - 9)\" width=\"14\" height=\"4\" fill=\"\(palette[index % palette.count])\"/><text x=\"\(lx + 20)\" y=\"\(ly - 4)\">\(Dashboard.escape(target))</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n")
    }
}
