import Foundation
import Testing
import VantageIdentity
@testable import VantageLedger

/// `Want`s and `Announce`s name a log by the first 4 bytes of its id when that names one log of
/// the enrolled nodes (SPEC §7.3), and by the whole id otherwise.
@Suite struct LogNameTests {
    @Test func theLogsOfAnEnrolledNodeAreNamedByTheirFirstFourBytes() {
        let ledger = FactPool.replica(FactPool.shared.facts)
        let a = FactPool.mesh.node("a", asn: 17557).id
        for log in [a, a.summaryLogID] {
            let name = ledger.name(ofLog: log)
            #expect(name == Data(log.bytes.prefix(Ledger.logPrefixBytes)))
            #expect(ledger.log(named: name) == log)
            #expect(ledger.log(named: Data(log.bytes)) == log)
        }
        let outsider = FactPool.mesh.node("outsider", asn: 1).id
        #expect(ledger.name(ofLog: outsider) == Data(outsider.bytes), "a node without an enrollment is named by its whole id")
        #expect(ledger.log(named: Data(outsider.bytes.prefix(Ledger.logPrefixBytes))) == nil, "a prefix of no enrolled node's log names nothing")
        #expect(ledger.log(named: Data([1, 2, 3])) == nil, "a name of another length names nothing")
    }

    @Test func aPrefixThatTwoLogsShareNamesNeither() {
        var ledger = FactPool.replica(FactPool.shared.facts)
        let a = FactPool.mesh.node("a", asn: 17557).id
        var bytes = a.bytes
        bytes[31] ^= 1
        ledger.noteLogs(of: Hash256(bytes: Data(bytes))!)
        #expect(ledger.name(ofLog: a) == Data(a.bytes), "named whole once another log starts the same")
        #expect(ledger.log(named: Data(a.bytes.prefix(Ledger.logPrefixBytes))) == nil)
        #expect(ledger.log(named: Data(a.bytes)) == a)
        #expect(ledger.name(ofLog: a.summaryLogID).count == Ledger.logPrefixBytes, "its summary log keeps its short name")
    }

    @Test func anExchangedVectorNamesLogsByPrefixAndReadsBackWhole() throws {
        let ledger = FactPool.replica(FactPool.shared.facts)
        let vector = ledger.versionVector
        let message = vector.message(naming: ledger.name(ofLog:))
        #expect(message.entries.allSatisfy { $0.origin.count == Ledger.logPrefixBytes }, "every log of the pool's ledger is an enrolled node's")
        let (short, whole): ([UInt8], [UInt8]) = (try message.serializedBytes(), try vector.message.serializedBytes())
        #expect(short.count == whole.count - 28 * message.entries.count, "28 bytes less per entry")
        #expect(try VersionVector(message: message, logNamed: ledger.log(named:)) == vector)
        var unknown = message
        unknown.entries[0].origin = Data(repeating: 0xee, count: Ledger.logPrefixBytes)
        #expect(try VersionVector(message: unknown, logNamed: ledger.log(named:)).entries.count == vector.entries.count - 1,
                "an entry whose prefix names no log here is left out")
        unknown.entries[0].origin = Data(repeating: 0xee, count: 5)
        #expect { try VersionVector(message: unknown, logNamed: ledger.log(named:)) } throws: { "\($0)".contains("entry 0: origin is neither 32 bytes nor a 4-byte prefix") }
    }
}
