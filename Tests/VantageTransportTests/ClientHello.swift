import Foundation

/// A TLS ClientHello read from the first record a client sends: what a network observer sees.
struct ClientHello {
    var recordVersion: UInt16 = 0
    var legacyVersion: UInt16 = 0
    var cipherSuites: [UInt16] = []
    /// Extension types in the order sent.
    var extensions: [UInt16] = []
    var supportedVersions: [UInt16] = []
    var groups: [UInt16] = []
    var signatureAlgorithms: [UInt16] = []
    var alpn: [String] = []
    var serverName: String?

    /// GREASE values (RFC 8701): 0x?A?A with both bytes equal.
    static func isGrease(_ value: UInt16) -> Bool { value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff }

    /// Parses a TLS record holding a ClientHello; nil when it is not one.
    init?(record bytes: [UInt8]) {
        var reader = Reader(bytes: bytes)
        guard reader.u8() == 22, let version = reader.u16(), reader.u16() != nil, reader.u8() == 1, reader.u24() != nil,
              let legacy = reader.u16(), reader.skip(32), let sessionLength = reader.u8(), reader.skip(Int(sessionLength)),
              let suitesLength = reader.u16(), let suites = reader.bytes(Int(suitesLength)),
              let compressionLength = reader.u8(), reader.skip(Int(compressionLength)),
              let extensionsLength = reader.u16(), var extensions = reader.bytes(Int(extensionsLength)).map({ Reader(bytes: $0) }) else { return nil }
        recordVersion = version
        legacyVersion = legacy
        var suiteReader = Reader(bytes: suites)
        while let suite = suiteReader.u16() { cipherSuites.append(suite) }
        while let type = extensions.u16(), let length = extensions.u16(), let body = extensions.bytes(Int(length)) {
            self.extensions.append(type)
            var data = Reader(bytes: body)
            switch type {
            case 0:  // server_name: list length, type 0, name length, name
                if data.u16() != nil, data.u8() == 0, let n = data.u16(), let name = data.bytes(Int(n)) { serverName = String(decoding: name, as: UTF8.self) }
            case 10: groups = data.u16List()
            case 13: signatureAlgorithms = data.u16List()
            case 16:
                _ = data.u16()
                while let n = data.u8(), let name = data.bytes(Int(n)) { alpn.append(String(decoding: name, as: UTF8.self)) }
            case 43:
                _ = data.u8()
                while let v = data.u16() { supportedVersions.append(v) }
            default: break
            }
        }
    }

    struct Reader {
        var bytes: [UInt8]
        var at = 0
        mutating func u8() -> UInt8? { guard at < bytes.count else { return nil }; at += 1; return bytes[at - 1] }
        mutating func u16() -> UInt16? { guard let a = u8(), let b = u8() else { return nil }; return UInt16(a) << 8 | UInt16(b) }
        mutating func u24() -> UInt32? { guard let a = u8(), let b = u16() else { return nil }; return UInt32(a) << 16 | UInt32(b) }
        mutating func skip(_ n: Int) -> Bool { guard at + n <= bytes.count else { return false }; at += n; return true }
        mutating func bytes(_ n: Int) -> [UInt8]? { guard at + n <= bytes.count else { return nil }; at += n; return Array(bytes[at - n..<at]) }
        mutating func u16List() -> [UInt16] {
            guard let length = u16(), var list = bytes(Int(length)).map({ Reader(bytes: $0) }) else { return [] }
            var values: [UInt16] = []
            while let v = list.u16() { values.append(v) }
            return values
        }
    }

    /// Rows of a side-by-side table: field, this hello, the other (GREASE shown as "GREASE").
    func table(against other: ClientHello, names: (String, String)) -> String {
        func hex(_ values: [UInt16]) -> String { values.map { Self.isGrease($0) ? "GREASE" : String(format: "%04x", $0) }.joined(separator: " ") }
        let rows: [(String, String, String)] = [
            ("record version", String(format: "%04x", recordVersion), String(format: "%04x", other.recordVersion)),
            ("legacy version", String(format: "%04x", legacyVersion), String(format: "%04x", other.legacyVersion)),
            ("supported versions", hex(supportedVersions), hex(other.supportedVersions)),
            ("cipher suites", hex(cipherSuites), hex(other.cipherSuites)),
            ("extensions (in order)", hex(extensions), hex(other.extensions)),
            ("groups", hex(groups), hex(other.groups)),
            ("signature algorithms", hex(signatureAlgorithms), hex(other.signatureAlgorithms)),
            ("ALPN", alpn.joined(separator: ", "), other.alpn.joined(separator: ", ")),
            ("SNI", serverName ?? "(none)", other.serverName ?? "(none)"),
        ]
        return "| field | \(names.0) | \(names.1) |\n| --- | --- | --- |\n" + rows.map { "| \($0.0) | \($0.1) | \($0.2) |" }.joined(separator: "\n")
    }

    /// `values` without GREASE, in order.
    static func plain(_ values: [UInt16]) -> [UInt16] { values.filter { !isGrease($0) } }
}
