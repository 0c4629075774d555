import Foundation
import VantageAgent
import VantageScoring

/// The national view as text: for each target, one row per ASN, one character per half hour
/// (█ blocked, ▒ throttled, · ok, blank no data); red and green only on a terminal.
public enum TerminalHeatMap {
    /// Renders `view`, naming ASNs by `isps`.
    public static func render(_ view: ViewResult, isps: [UInt32: String], colour: Bool) -> String {
        guard let first = view.cells.map(\.window).min(), let last = view.cells.map(\.window).max() else { return "(no measurements)" }
        let windowMs = Int64(view.policy.windowSeconds) * 1000
        let perSlot = max(1, 1_800_000 / windowMs)
        let slots = Int((last - first) / perSlot) + 1
        let startHour = Date(timeIntervalSince1970: Double(first * windowMs) / 1000).rfc3339.dropFirst(11).prefix(5)
        var axis = String(repeating: " ", count: labelWidth)
        for slot in stride(from: 0, to: slots, by: 6) {
            let label = Date(timeIntervalSince1970: Double((first + Int64(slot) * perSlot) * windowMs) / 1000).rfc3339.dropFirst(11).prefix(2)
            axis += label + String(repeating: " ", count: 4)
        }
        var lines = ["UTC hours from \(startHour), one column per 30 minutes: █ blocked  ▒ throttled  · ok", axis]
        let red = colour ? "\u{1B}[31m" : "", orange = colour ? "\u{1B}[33m" : "", green = colour ? "\u{1B}[32m" : "", reset = colour ? "\u{1B}[0m" : ""
        for target in Set(view.cells.map(\.target)).sorted() {
            lines.append(target)
            let cells = view.cells.filter { $0.target == target }
            let rows = Set(cells.map { Pair(asn: $0.asn, control: $0.control) }).sorted { ($0.control ? 1 : 0, $0.asn) < ($1.control ? 1 : 0, $1.asn) }
            for pair in rows {
                let (asn, control) = (pair.asn, pair.control)
                var row = [String](repeating: " ", count: slots)
                var counts = [Int: (anomalous: Int, throttled: Int, ok: Int)]()
                for cell in cells where cell.asn == asn && cell.control == control {
                    let slot = Int((cell.window - first) / perSlot)
                    var c = counts[slot] ?? (0, 0, 0)
                    if cell.state == .anomalous { c.anomalous += 1; if cell.throttled { c.throttled += 1 } } else if cell.state == .ok { c.ok += 1 }
                    counts[slot] = c
                }
                for (slot, c) in counts {
                    if c.anomalous > c.ok { row[slot] = c.throttled * 2 > c.anomalous ? orange + "▒" + reset : red + "█" + reset }
                    else if c.ok > 0 { row[slot] = green + "·" + reset }
                }
                let name = "  AS\(asn) \(isps[asn] ?? "")\(control ? " (control)" : "")"
                lines.append(name.padding(toLength: labelWidth, withPad: " ", startingAt: 0) + row.joined())
            }
        }
        return lines.joined(separator: "\n")
    }

    struct Pair: Hashable { var asn: UInt32; var control: Bool }

    /// Width of the row labels ("  AS3320 Deutsche Telekom (control)").
    static let labelWidth = 36
}
