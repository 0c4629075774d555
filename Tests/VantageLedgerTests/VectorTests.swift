import Foundation
import Testing
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// protocol/vectors/ is what the code produces, and what it says is true.
/// Rewrite with `VANTAGE_WRITE_VECTORS=1 swift test --filter VectorTests`.
@Suite(.serialized) struct VectorTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("protocol/vectors")

    static func json<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try! encoder.encode(value) + Data("\n".utf8)
    }

    static var files: [(String, Data)] {
        var files = [
            ("signatures.json", json(ProtocolVectors.signatureCases())),
            ("envelopes.json", json(ProtocolVectors.envelopeCases())),
            ("ledgers.json", json(ProtocolVectors.ledgerCases())),
        ]
        for (name, envelope) in ProtocolVectors.records() where ["batch", "numbered-batch", "campaign", "enrollment", "revocation"].contains(name) {
            files.append(("\(name).envelope", RecordFile.encode(envelope)))
        }
        files.append(("two-nodes.ledger", RecordFile.encode(ProtocolVectors.twoNodes().snapshot)))
        files.append(("fork-and-revocation.ledger", RecordFile.encode(ProtocolVectors.forkAndRevocation().snapshot)))
        return files
    }

    @Test func committedVectorsMatchTheCode() throws {
        let write = ProcessInfo.processInfo.environment["VANTAGE_WRITE_VECTORS"] == "1"
        for (name, data) in Self.files {
            let url = Self.directory.appendingPathComponent(name)
            if write { try data.write(to: url) }
            let committed = try Data(contentsOf: url)
            #expect(committed == data, "protocol/vectors/\(name) differs from what the code produces")
        }
    }

    @Test func signatureCasesSayTheTruth() throws {
        for entry in ProtocolVectors.signatureCases() {
            let key = try? PublicKey(raw: Hex.decode(entry.publicKey)!)
            let signature = Hex.decode(entry.signature)!
            let valid = signature.count == 64
                && key?.isValidSignature(signature, domain: Array(entry.domain.utf8), payload: Hex.decode(entry.payload)!) == true
            #expect(valid == entry.valid, "\(entry.name)")
        }
    }

    @Test func vectorLedgersReloadToTheirDigests() throws {
        for entry in ProtocolVectors.ledgerCases() {
            let snapshot = try LedgerSnapshot(serializedBytes: Hex.decode(entry.snapshot)!)
            let (ledger, report) = try Ledger.load(snapshot, nowMs: ProtocolVectors.nowMs)
            #expect(report.refused.isEmpty, "\(entry.name): \(report.refused)")
            #expect(ledger.digest.hex == entry.digest, "\(entry.name)")
        }
        let fork = ProtocolVectors.forkAndRevocation()
        #expect(fork.excluded.count == 1)
        #expect(fork.logs.values.map(\.headSeq) == [2])
    }
}
