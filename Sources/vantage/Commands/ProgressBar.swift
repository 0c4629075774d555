import Foundation

/// A progress bar on stderr for long work, drawn only when stderr is a terminal.
final class ProgressBar {
    private let label: String
    private let total: Int
    private let rate: (unit: String, scale: Double)?
    private let started = Date()
    private let enabled = isatty(2) == 1
    private var lastDrawn = Date.distantPast

    /// A bar for `total` units of work; `rate` shows the speed, e.g. ("MB/s", 1e6) for bytes.
    init(_ label: String, total: Int, rate: (unit: String, scale: Double)? = ("MB/s", 1_000_000)) {
        self.label = label
        self.total = max(total, 1)
        self.rate = rate
    }

    /// Shows `done` of the total, at most ten times a second.
    func update(_ done: Int) {
        guard enabled, Date().timeIntervalSince(lastDrawn) >= 0.1 || done >= total else { return }
        lastDrawn = Date()
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        let speed = rate.map { String(format: "  %.1f %@", Double(done) / seconds / $0.scale, $0.unit) } ?? ""
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data(String(format: "\r%@ %@ %3.0f%%%@ ", label, bar, fraction * 100, speed).utf8))
    }

    /// Ends the bar's line, saying what was done.
    func finish(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(message)\n".utf8))
    }
}
