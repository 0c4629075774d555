import Foundation
import SwiftASN1

/// Ed25519 private keys on disk as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"), the format
/// `openssl genpkey -algorithm ed25519` writes, so operators can bring keys made with openssl.
public enum KeyFile {
    /// DER of a PKCS#8 Ed25519 private key up to the 32-byte seed (RFC 8410).
    private static let pkcs8Prefix: [UInt8] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
    ]

    /// The PEM text of a key.
    public static func pem(of key: SigningKey) -> String {
        PEMDocument(type: "PRIVATE KEY", derBytes: pkcs8Prefix + key.seed).pemString + "\n"
    }

    /// Parses PEM text; `path` only names the source in errors.
    public static func parse(_ text: String, path: String) throws -> SigningKey {
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: text)
        } catch {
            throw IdentityError.keyFileCorrupt(path: path, reason: "not a PEM document")
        }
        guard document.discriminator == "PRIVATE KEY" else {
            throw IdentityError.keyFileCorrupt(path: path, reason: "holds a \(document.discriminator), not a PRIVATE KEY")
        }
        let der = document.derBytes
        guard der.count == pkcs8Prefix.count + 32, Array(der.prefix(pkcs8Prefix.count)) == pkcs8Prefix else {
            throw IdentityError.keyFileCorrupt(path: path, reason: "not a PKCS#8 Ed25519 private key")
        }
        return try SigningKey(seed: Array(der.suffix(32)))
    }

    /// Writes a new key file with mode 0600; refuses to overwrite.
    public static func write(_ key: SigningKey, to path: String) throws {
        try SecretFile.create(path, contents: Data(pem(of: key).utf8))
    }

    /// Reads a key file; refuses a missing, corrupt or group/world-readable file.
    public static func read(_ path: String) throws -> SigningKey {
        let data = try SecretFile.read(path)
        guard let text = String(data: data, encoding: .utf8) else {
            throw IdentityError.keyFileCorrupt(path: path, reason: "not UTF-8 text")
        }
        return try parse(text, path: path)
    }
}
