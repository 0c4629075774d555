/// Tallies read a stretch of windows at a time: the scorer walks the history one day after the
/// other, so what it holds does not grow with the retention period (protocol/SPEC.md §13.8).
public protocol TallySource {
    /// The first window at or after `window` that has a tally; nil when there is none.
    func firstTallyWindow(from window: Int64) -> Int64?
    /// Calls `body` with every tally of a window in `windows`, window after window (in no
    /// particular order within a window).
    func forEachTally(in windows: Range<Int64>, _ body: (_ window: Int64, _ series: Tallies.Series, _ place: Tallies.Place, _ tally: WindowTally) -> Void)
}

/// Tallies in memory, indexed by window: the source of offline scoring, reports and the
/// in-memory store.
public struct TalliesByWindow: TallySource, Sendable {
    private let windows: [Int64]
    private let cells: [Int64: [(series: Tallies.Series, tally: WindowTally)]]
    private let places: [String: Tallies.Place]

    /// The index of `tallies`.
    public init(_ tallies: Tallies) {
        var cells: [Int64: [(series: Tallies.Series, tally: WindowTally)]] = [:]
        for (series, windows) in tallies.series {
            for (window, tally) in windows { cells[window, default: []].append((series, tally)) }
        }
        self.cells = cells
        windows = cells.keys.sorted()
        places = tallies.places
    }

    public func firstTallyWindow(from window: Int64) -> Int64? {
        var (low, high) = (0, windows.count)
        while low < high {
            let mid = (low + high) / 2
            if windows[mid] < window { low = mid + 1 } else { high = mid }
        }
        return low < windows.count ? windows[low] : nil
    }

    public func forEachTally(in range: Range<Int64>, _ body: (Int64, Tallies.Series, Tallies.Place, WindowTally) -> Void) {
        var window = firstTallyWindow(from: range.lowerBound)
        while let w = window, w < range.upperBound {
            for cell in cells[w]! { body(w, cell.series, places[cell.series.vantage]!, cell.tally) }
            window = firstTallyWindow(from: w + 1)
        }
    }
}
