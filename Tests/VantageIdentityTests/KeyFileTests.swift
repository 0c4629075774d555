import Foundation
import Testing
import VantageIdentity
import X509

/// Key files: mode 0600, openssl-compatible PEM, and clear refusals.
@Suite struct KeyFileTests {
    let dir: String = {
        let path = NSTemporaryDirectory() + "vantage-keys-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    @Test func writtenKeyHasMode0600AndReadsBack() throws {
        let key = SigningKey()
        let path = dir + "/node.key"
        try KeyFile.write(key, to: path)
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int
        #expect(mode == 0o600)
        #expect(try KeyFile.read(path).publicKey == key.publicKey)
    }

    @Test func existingKeyIsNeverOverwritten() throws {
        let path = dir + "/node.key"
        try KeyFile.write(SigningKey(), to: path)
        #expect(throws: IdentityError.fileExists(path: path)) { try KeyFile.write(SigningKey(), to: path) }
    }

    @Test func missingKeyFileIsNamed() {
        let path = dir + "/absent.key"
        #expect(throws: IdentityError.keyFileMissing(path: path)) { try KeyFile.read(path) }
    }

    @Test func worldReadableKeyIsRefused() throws {
        let path = dir + "/open.key"
        try KeyFile.write(SigningKey(), to: path)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        #expect(throws: IdentityError.keyFileTooOpen(path: path, mode: "644")) { try KeyFile.read(path) }
        #expect(IdentityError.keyFileTooOpen(path: path, mode: "644").description.contains("chmod 600"))
    }

    @Test func corruptKeyFileIsRefused() throws {
        let path = dir + "/corrupt.key"
        try SecretFile.create(path, contents: Data("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".utf8))
        #expect(throws: IdentityError.keyFileCorrupt(path: path, reason: "not a PKCS#8 Ed25519 private key")) {
            try KeyFile.read(path)
        }
        let garbage = dir + "/garbage.key"
        try SecretFile.create(garbage, contents: Data("hello".utf8))
        #expect(throws: IdentityError.keyFileCorrupt(path: garbage, reason: "not a PEM document")) {
            try KeyFile.read(garbage)
        }
    }

    @Test func keyMadeByOpensslIsAccepted() throws {
        // `openssl genpkey -algorithm ed25519` output for a fixed seed of 32 bytes 0x01...0x20.
        let seed = (1...32).map(UInt8.init)
        let pem = KeyFile.pem(of: try SigningKey(seed: seed))
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA"))
        #expect(try KeyFile.parse(pem, path: "x").seed == seed)
    }
}
