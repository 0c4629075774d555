import Foundation
import Testing
import VantageTestKit

/// The first commands, run as a coordinator and two volunteers would, as real processes.
@Suite struct MeshCommandsTests {
    let dir = CommandRunner.temporaryDirectory("cli")
    var vantage: CommandRunner { try! CommandRunner(directory: dir) }

    func json(_ text: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    func mode(_ path: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(path).path)[.posixPermissions] as! Int
    }

    @Test func twoNodeMeshFromInitToRevocation() throws {
        let mesh = try vantage.run("mesh", "init", "--dir", "mesh", "--name", "pakistan")
        #expect(mesh.status == 0, "\(mesh.stderr)")
        #expect(mesh.stdout.contains("created mesh \"pakistan\""))
        for (name, asn, isp) in [("ptcl", "17557", "PTCL"), ("jazz", "45669", "Jazz")] {
            let node = try vantage.run("node", "init", "--dir", name, "--country", "PK", "--asn", asn, "--isp", isp)
            #expect(node.status == 0, "\(node.stderr)")
            let enroll = try vantage.run("admin", "enroll", "--mesh", "mesh", "--node", name, "--json")
            #expect(enroll.status == 0, "\(enroll.stderr)")
            let fields = try #require(try json(enroll.stdout)["fields"] as? [String: String])
            #expect(fields["asn"] == asn)
            #expect(fields["isp"] == isp)
        }
        for secret in ["mesh/root.key", "mesh/ca.key", "ptcl/node.key", "ptcl/api.token"] {
            #expect(try mode(secret) == 0o600, "\(secret)")
        }
        let inspect = try vantage.run("ledger", "inspect", "jazz/enrollment-request.envelope", "--json")
        #expect(inspect.status == 0)
        let request = try json(inspect.stdout)
        #expect(request["signature_valid"] as? Bool == true)
        let jazzID = try #require(request["signer_id"] as? String)

        let revoke = try vantage.run("admin", "revoke", "--mesh", "mesh", "--node-id", jazzID,
                                     "--reason", "device-lost", "--note", "lost laptop", "--out", "revoke-jazz.envelope", "--last-seq", "7")
        #expect(revoke.status == 0, "\(revoke.stderr)")
        let revocation = try json(try vantage.run("ledger", "inspect", "revoke-jazz.envelope", "--json").stdout)
        #expect(revocation["kind"] as? String == "revocation")
        let revoked = try #require(revocation["fields"] as? [String: String])
        #expect(revoked["node_id"] == jazzID)
        #expect(revoked["last_accepted_seq"] == "7")
        // The signed record carries a code; the words stay in the coordinator's own file.
        #expect(revoked["reason"] == "device-lost")
        let signed = try Data(contentsOf: dir.appendingPathComponent("revoke-jazz.envelope"))
        #expect(signed.range(of: Data("lost laptop".utf8)) == nil)
        let log = try String(contentsOf: dir.appendingPathComponent("mesh/revocations.jsonl"), encoding: .utf8)
        #expect(log.contains("\"note\":\"lost laptop\"") && log.contains("\"node_id\":\"\(jazzID)\"") && log.contains("\"reason\":\"device-lost\""))
        #expect(try mode("mesh/revocations.jsonl") == 0o600)
        let words = try vantage.run("admin", "revoke", "--mesh", "mesh", "--node-id", jazzID, "--reason", "lost laptop", "--out", "r.envelope")
        #expect(words.status == 64 && words.stderr.contains("--reason: 'lost laptop' is not one of key-compromised"), "\(words.stderr)")
    }

    @Test func enrollmentsAreShortLivedAndARenewalKeepsTheVantagePoint() throws {
        #expect(try vantage.run("mesh", "init", "--dir", "mesh").status == 0)
        #expect(try vantage.run("node", "init", "--dir", "zong", "--country", "PK", "--asn", "59257", "--isp", "Zong").status == 0)
        #expect(try vantage.run("admin", "enroll", "--mesh", "mesh", "--node", "zong").status == 0)
        func fields() throws -> [String: String] {
            try #require(json(try vantage.run("ledger", "inspect", "zong/enrollment.envelope", "--json").stdout)["fields"] as? [String: String])
        }
        func days(_ e: [String: String]) -> Double {
            let from = ISO8601DateFormatter().date(from: e["not_before"]!)!, to = ISO8601DateFormatter().date(from: e["not_after"]!)!
            return to.timeIntervalSince(from) / 86_400
        }
        let first = try fields()
        #expect(abs(days(first) - 30) < 0.01, "30 days by default: \(first)")
        let certificate = try String(contentsOf: dir.appendingPathComponent("zong/node.pem"), encoding: .utf8)
        let renew = try vantage.run("admin", "renew", "--mesh", "mesh", "--node", "zong", "--days", "45")
        #expect(renew.status == 0 && renew.stdout.contains("the same vantage point"), "\(renew.stderr)")
        let second = try fields()
        #expect(abs(days(second) - 45) < 0.01)
        #expect(second["node_id"] == first["node_id"] && second["country"] == "PK" && second["asn"] == "59257" && second["isp"] == "Zong")
        #expect(try String(contentsOf: dir.appendingPathComponent("zong/node.pem"), encoding: .utf8) != certificate, "a new certificate")
        let stranger = try vantage.run("admin", "renew", "--mesh", "mesh", "--node", "nowhere")
        #expect(stranger.status != 0 && stranger.stderr.contains("enrollment.envelope"), "\(stranger.stderr)")
    }

    @Test func nodeWipeRemovesTheKeysAndStoreOnlyWhenConfirmed() throws {
        #expect(try vantage.run("node", "init", "--dir", "gone", "--country", "PK", "--asn", "17557").status == 0)
        try Data("a store".utf8).write(to: dir.appendingPathComponent("gone/ledger.sqlite"))
        let unconfirmed = try vantage.run("node", "wipe", "--node", "gone")
        #expect(unconfirmed.status == 64 && unconfirmed.stderr.contains("--yes"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("gone/node.key").path))
        let wiped = try vantage.run("node", "wipe", "--node", "gone", "--yes")
        #expect(wiped.status == 0, "\(wiped.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("gone").path))
        let notANode = try vantage.run("node", "wipe", "--node", "mesh-or-home", "--yes")
        #expect(notANode.status == 64 && notANode.stderr.contains("holds no node.key"))
    }

    @Test func badFlagsAreNamedWithExitCode64() throws {
        let result = try vantage.run("node", "init", "--dir", "n", "--country", "Pakistan", "--asn", "17557")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--country"))
        let revoke = try vantage.run("admin", "revoke", "--mesh", "m", "--node-id", "xyz", "--reason", "r", "--out", "f")
        #expect(revoke.status == 64)
        #expect(revoke.stderr.contains("--node-id"))
    }

    @Test func exposedRootKeyIsRefusedNamingTheFile() throws {
        try vantage.run("mesh", "init", "--dir", "mesh")
        try vantage.run("node", "init", "--dir", "n", "--country", "PK", "--asn", "17557")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir.appendingPathComponent("mesh/root.key").path)
        let result = try vantage.run("admin", "enroll", "--mesh", "mesh", "--node", "n")
        #expect(result.status == 1)
        #expect(result.stderr.contains("mesh/root.key has mode 644"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("n/enrollment.envelope").path))
    }

    @Test func corruptAndTamperedFilesAreRefused() throws {
        try Data("not a vantage file".utf8).write(to: dir.appendingPathComponent("junk.envelope"))
        let junk = try vantage.run("ledger", "inspect", "junk.envelope")
        #expect(junk.status == 1)
        #expect(junk.stderr.contains("junk.envelope is corrupt"))
        try vantage.run("node", "init", "--dir", "n", "--country", "PK", "--asn", "17557")
        var bytes = try Data(contentsOf: dir.appendingPathComponent("n/enrollment-request.envelope"))
        bytes[bytes.count - 70] ^= 0x01
        try bytes.write(to: dir.appendingPathComponent("tampered.envelope"))
        let tampered = try vantage.run("ledger", "inspect", "tampered.envelope")
        #expect(tampered.status == 1)
        #expect(tampered.stdout.contains("INVALID"))
    }

    @Test func ledgerFileIsSummarised() throws {
        let vectors = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("protocol/vectors/two-nodes.ledger")
        let result = try vantage.run("ledger", "inspect", vectors.path, "--json")
        #expect(result.status == 0, "\(result.stderr)")
        let ledger = try #require(try json(result.stdout)["ledger"] as? [String: Any])
        #expect(ledger["batches"] as? Int == 6)
        #expect((ledger["origins"] as? [Any])?.count == 2)
    }
}
