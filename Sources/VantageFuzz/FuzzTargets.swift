import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// What each fuzz target feeds its input to. None may crash, hang or grow without bound on any
/// input; refusals are expected and ignored.
enum FuzzTargets {
    /// The targets by name (VANTAGE_FUZZ_TARGET, or the first argument of a replay).
    static let all: [String: @Sendable (Data) -> Void] = [
        "frame": frame, "envelope": envelope, "delta": delta, "jsonl": jsonl,
    ]

    /// The frame decoder, fed the input in two pieces at a point the input chooses.
    static func frame(_ data: Data) {
        var decoder = FrameDecoder()
        let cut = data.isEmpty ? 0 : Int(data[data.startIndex]) % (data.count + 1)
        decoder.append(data.prefix(cut))
        while (try? decoder.next()) != nil {}
        decoder.append(data.dropFirst(cut))
        while (try? decoder.next()) != nil {}
    }

    /// Envelope decoding and signature verification.
    static func envelope(_ data: Data) {
        guard let envelope = try? Envelope(serializedBytes: data) else { return }
        _ = try? SignedFact(verifying: envelope)
        _ = BatchPeek.seq(envelope.payload)
    }

    /// A delta from a peer merged into a ledger that already holds the vectors' facts.
    static func delta(_ data: Data) {
        guard let delta = try? Delta(serializedBytes: data) else { return }
        var ledger = seeded
        _ = ledger.apply(delta, nowMs: 1_705_755_600_000)
        _ = ledger.digest
        _ = ledger.delta(since: VersionVector(entries: [], smallFactsDigest: .zero))
    }

    /// The JSON Lines readers: Vantage measurements and OONI.
    static func jsonl(_ data: Data) {
        _ = MeasurementLines.parse(data)
        _ = OONILines.parse(data)
    }

    /// A ledger holding the protocol's test-vector facts, so deltas can extend real logs.
    static let seeded: Ledger = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("protocol/vectors/two-nodes.ledger")
        guard let data = try? Data(contentsOf: url), case .ledger(let snapshot)? = try? RecordFile.decode(data, path: url.path),
              let (ledger, _) = try? Ledger.load(snapshot, nowMs: 1_705_755_600_000) else {
            return Ledger(root: try! PublicKey(raw: [UInt8](repeating: 7, count: 32)))
        }
        return ledger
    }()
}

#if FUZZING
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// The executable's entry point under SwiftPM (which links `main` to `<module>_main`): hands
/// control to libFuzzer's driver.
@_cdecl("vantage_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { bytes, size in fuzzOne(bytes, size) }
}

/// libFuzzer's entry point; the target is chosen by VANTAGE_FUZZ_TARGET.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ bytes: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let name = ProcessInfo.processInfo.environment["VANTAGE_FUZZ_TARGET"] ?? "frame"
    guard let target = FuzzTargets.all[name] else { fatalError("VANTAGE_FUZZ_TARGET '\(name)' is not one of \(FuzzTargets.all.keys.sorted())") }
    target(Data(bytes: bytes, count: count))
    return 0
}
#else
/// Without the fuzzer: replays files (a corpus, a crash) through a target, e.g.
/// `vantage-fuzz frame Tests/Fuzz/corpus/frame/*`.
@main
struct FuzzReplay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            FileHandle.standardError.write(Data("usage: vantage-fuzz \(FuzzTargets.all.keys.sorted().joined(separator: "|")) FILE...\n".utf8))
            exit(64)
        }
        var replayed = 0
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("\(path): cannot be read\n".utf8))
                exit(1)
            }
            target(data)
            replayed += 1
        }
        print("\(name): \(replayed) inputs replayed without a crash")
    }
}
#endif
