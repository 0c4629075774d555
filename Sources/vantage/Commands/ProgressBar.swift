import Foundation

/// A progress bar on stderr for long work, drawn only when stderr is a terminal.
final class ProgressBar {
    private let label: String
    private let total: Int
    private let started = Date()
    private let enabled = isatty(2) == 1
    private var lastDrawn = Date.distantPast

    /// A bar for `total` units (bytes) of work.
    init(_ label: String, total: Int) {
        self.label = label
        self.total = max(total, 1)
    }

    /// Shows `done` of the total, at most ten times a second.
    func update(_ done: Int) {
        guard enabled, Date().timeIntervalSince(lastDrawn) >= 0.1 || done >= total else { return }
        lastDrawn = Date()
        let fraction = min(1, Double(done) / Double(total))
        let width = 30
        let filled = Int(fraction * Double(width))
        let seconds = max(Date().timeIntervalSince(started), 0.001)
        let rate = Double(done) / seconds / 1_000_000
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data(String(format: "\r%@ %@ %3.0f%%  %.1f MB/s ", label, bar, fraction * 100, rate).utf8))
    }

    /// Ends the bar's line, saying what was done.
    func finish(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(label) \(message)\n".utf8))
    }
}
