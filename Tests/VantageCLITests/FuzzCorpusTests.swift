import Foundation
import Testing
import VantageTestKit

/// The fuzz targets' seed corpus (and any crash added to it) replays without a crash; the long
/// runs are `deploy/fuzz.sh`.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus")

    @Test(arguments: ["frame", "envelope", "delta", "jsonl"])
    func theCorpusReplays(target: String) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.appendingPathComponent(target).path).sorted()
        #expect(!files.isEmpty)
        let runner = try CommandRunner(directory: Self.corpus.appendingPathComponent(target), executable: "vantage-fuzz")
        let result = try runner.run([target] + files)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\(target): \(files.count) inputs replayed without a crash"))
    }
}
