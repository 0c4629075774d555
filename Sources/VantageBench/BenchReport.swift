import Foundation

/// One figure a benchmark measured, with its target when the issue sets one.
public struct BenchFigure: Codable, Sendable {
    public var name: String
    public var value: Double
    public var unit: String
    /// The target, as text (e.g. "≥ 0.8 × raw verify"), and whether it was met.
    public var target: String?
    public var met: Bool?
}

/// What one benchmark printed.
public struct BenchReport: Codable, Sendable {
    public var bench: String
    public var cores: Int
    public var figures: [BenchFigure]
    public var notes: [String]

    init(_ bench: String, figures: [BenchFigure] = [], notes: [String] = []) {
        self.bench = bench
        cores = ProcessInfo.processInfo.activeProcessorCount
        self.figures = figures
        self.notes = notes
    }

    mutating func add(_ name: String, _ value: Double, _ unit: String, target: String? = nil, met: Bool? = nil) {
        figures.append(BenchFigure(name: name, value: value, unit: unit, target: target, met: met))
    }

    /// The report for a person.
    public var text: String {
        var lines = ["\(bench) (\(cores) cores)"]
        for f in figures {
            let value = f.value >= 100 ? String(format: "%.0f", f.value) : String(format: "%.3g", f.value)
            let target = f.target.map { "  target \($0): \(f.met == true ? "met" : "NOT met")" } ?? ""
            lines.append("  \(f.name.padding(toLength: 44, withPad: " ", startingAt: 0)) \(value) \(f.unit)\(target)")
        }
        lines += notes.map { "  note: \($0)" }
        return lines.joined(separator: "\n")
    }
}

/// Wall-clock seconds of `work`.
func seconds(_ work: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    try work()
    return Double((ContinuousClock.now - start) / .microseconds(1)) / 1_000_000
}

/// Peak resident memory of this process so far, in bytes.
func peakRSS() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}
