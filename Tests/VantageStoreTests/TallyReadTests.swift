import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageStore

/// Scoring reads the stored tallies a stretch of windows at a time (SPEC §13.8): each read gives
/// exactly the cells of its windows, and the next window with tallies skips the empty ones.
@Suite struct TallyReadTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("vantage-tallies-\(UUID().uuidString).sqlite").path

    @Test func aStretchOfWindowsReadsExactlyItsCells() throws {
        let store = try LedgerStore(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var stored = Tallies()
        for (i, window) in (Array(Int64(100)..<110) + Array(Int64(200)..<205)).enumerated() {
            for point in 0..<3 {
                for target in ["x", "wikipedia"] {
                    let tally = point == 2 ? WindowTally(measurements: 4, failures: i % 3, summarizedThroughput: ThroughputSummary(median: 2_500.5, samples: 3))
                        : WindowTally(measurements: 3, failures: (i + point) % 2, throughputs: target == "x" ? [9_000, UInt64(100 * i)] : [])
                    stored.add(tally, series: .init(vantage: "n\(point)/PK/AS\(64_700 + point)", target: target), window: window,
                               place: .init(asn: UInt32(64_700 + point), country: "PK"))
                }
            }
        }
        store.addTallies(stored, of: Hash256.of(Array("origin".utf8)), subtract: false)
        let source = store.tallySource()
        #expect(source.firstTallyWindow(from: .min) == 100)
        #expect(source.firstTallyWindow(from: 110) == 200, "the empty windows between are skipped")
        #expect(source.firstTallyWindow(from: 205) == nil)
        var read = Tallies()
        var windows: [Int64] = []
        source.forEachTally(in: 105..<203) { window, series, place, tally in
            windows.append(window)
            read.add(tally, series: series, window: window, place: place)
        }
        var expected = Tallies()
        for cell in stored.cells where (105..<203).contains(cell.window) {
            expected.add(cell.tally, series: cell.series, window: cell.window, place: stored.places[cell.series.vantage]!)
        }
        #expect(read == expected)
        #expect(windows == windows.sorted(), "window after window")
        #expect(store.tallies() == stored, "the whole store reads back as stored")
    }
}
