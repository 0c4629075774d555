import Foundation
import Logging
import Testing
@testable import VantageAgent
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageTransport
import VantageWire

/// The Hello rules of protocol/SPEC.md §7.3, each refusal with its code.
@Suite struct HelloCheckTests {
    let folders: MeshFolders
    let agent: NodeAgent
    let admin: MeshAdmin

    init() throws {
        folders = try MeshFolders.create("hello", nodes: [("a", 64501), ("b", 64502)])
        agent = try NodeAgent(settings: AgentSettings(nodePath: folders.nodes[0].path), logger: Logger(label: "test"))
        admin = try folders.mesh.loadAdmin()
    }

    func hello(from node: NodeDirectory, mesh: Hash256? = nil, claim: Hash256? = nil) throws -> (Hello, PublicKey) {
        let key = try KeyFile.read(node.keyPath).publicKey
        let hello = Hello.with {
            $0.protocolVersion = 1
            $0.supportedVersions = [1]
            $0.meshID = Data((mesh ?? admin.meshID).bytes)
            $0.nodeID = Data((claim ?? key.id).bytes)
            $0.enrollment = (try? RecordFile.readEnvelope(node.enrollmentPath)) ?? Envelope()
        }
        return (hello, key)
    }

    func code(_ result: Result<AdmittedPeer, TransportError>) -> ErrorCode? {
        if case .failure(.refused(let code, _)) = result { return code }
        return nil
    }

    @Test func enrolledPeerCarryingItsEnrollmentIsAdmitted() async throws {
        let (hello, key) = try hello(from: folders.nodes[1])
        let result = await agent.check(hello, key: key)
        #expect(try result.get() == AdmittedPeer(id: key.id, asn: 64502))
    }

    @Test func refusalsCarryTheirCodes() async throws {
        let (good, key) = try hello(from: folders.nodes[1])
        let other = TestMesh(name: "elsewhere")
        #expect(code(await agent.check(try hello(from: folders.nodes[1], mesh: other.meshID).0, key: key)) == .wrongMesh)
        #expect(code(await agent.check(try hello(from: folders.nodes[1], claim: Hash256.of([1])).0, key: key)) == .keyMismatch)
        var unsupported = good
        unsupported.protocolVersion = 2
        unsupported.supportedVersions = [2]
        #expect(code(await agent.check(unsupported, key: key)) == .unsupportedVersion)
        let (mine, myKey) = try hello(from: folders.nodes[0])
        #expect(code(await agent.check(mine, key: myKey)) == .unknownPeer)

        let stranger = NodeDirectory(path: folders.base.appendingPathComponent("stranger").path)
        try NodeDirectory.create(at: stranger.path, profile: NodeProfile(country: "PK", asn: 1), now: Date())
        let (unknown, strangerKey) = try hello(from: stranger)
        #expect(code(await agent.check(unknown, key: strangerKey)) == .unknownPeer)

        let old = NodeDirectory(path: folders.base.appendingPathComponent("old").path)
        try NodeDirectory.create(at: old.path, profile: NodeProfile(country: "PK", asn: 2), now: Date())
        _ = try admin.enroll(node: old, now: Date().addingTimeInterval(-7200), validity: 3600)
        let (expired, oldKey) = try hello(from: old)
        #expect(code(await agent.check(expired, key: oldKey)) == .expired)

        _ = await agent.submitFacts([admin.revoke(nodeID: key.id, effective: Date().addingTimeInterval(-1), lastAcceptedSeq: nil, reason: "t", now: Date())])
        #expect(code(await agent.check(good, key: key)) == .revoked)
    }

    @Test func durationsReadLikePeopleWriteThem() {
        #expect(DurationText.milliseconds("200ms") == 200)
        #expect(DurationText.milliseconds("1s") == 1000)
        #expect(DurationText.milliseconds("5m") == 300_000)
        #expect(DurationText.milliseconds("1.5s") == 1500)
        #expect(DurationText.milliseconds("2h") == 7_200_000)
        #expect(DurationText.milliseconds("fast") == nil)
        #expect(DurationText.milliseconds("-1s") == nil)
        #expect(DurationText.milliseconds("10") == nil)
    }
}
