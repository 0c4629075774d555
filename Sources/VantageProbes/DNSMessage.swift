/// The little of DNS (RFC 1035) a probe needs: an A query, and the response code and A answers.
public enum DNSMessage {
    /// Response codes a probe distinguishes.
    public enum ResponseCode: UInt8, Sendable {
        case noError = 0, formatError = 1, serverFailure = 2, nameError = 3, notImplemented = 4, refused = 5
    }

    /// A parsed response: its id, code and IPv4 answers.
    public struct Response: Sendable, Equatable {
        public var id: UInt16
        public var code: UInt8
        public var addresses: [String]
    }

    /// An A query for `name` with recursion desired.
    public static func query(id: UInt16, name: String) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            let utf8 = Array(label.utf8.prefix(63))
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
        bytes += [0, 0, 1, 0, 1]  // root, type A, class IN
        return bytes
    }

    /// The question name of a query (for the test responder), or nil when malformed.
    public static func questionName(_ bytes: [UInt8]) -> String? {
        var offset = 12
        guard let name = readName(bytes, &offset) else { return nil }
        return name
    }

    /// Parses a response; nil when it is not one.
    public static func parse(_ bytes: [UInt8]) -> Response? {
        guard bytes.count >= 12, bytes[2] & 0x80 != 0 else { return nil }
        let id = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        let code = bytes[3] & 0x0F
        let questions = Int(bytes[4]) << 8 | Int(bytes[5])
        let answers = Int(bytes[6]) << 8 | Int(bytes[7])
        var offset = 12
        for _ in 0..<questions {
            guard readName(bytes, &offset) != nil, offset + 4 <= bytes.count else { return nil }
            offset += 4
        }
        var addresses: [String] = []
        for _ in 0..<answers {
            guard readName(bytes, &offset) != nil, offset + 10 <= bytes.count else { return nil }
            let type = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            let length = Int(bytes[offset + 8]) << 8 | Int(bytes[offset + 9])
            offset += 10
            guard offset + length <= bytes.count else { return nil }
            if type == 1 && length == 4 { addresses.append(bytes[offset..<offset + 4].map(String.init).joined(separator: ".")) }
            offset += length
        }
        return Response(id: id, code: code, addresses: addresses)
    }

    /// A response to `query` with `code` and A records for `addresses` (for the test responder).
    public static func answer(_ query: [UInt8], code: UInt8, addresses: [[UInt8]]) -> [UInt8]? {
        var offset = 12
        guard query.count >= 12, readName(query, &offset) != nil, offset + 4 <= query.count else { return nil }
        var bytes = Array(query[0..<offset + 4])
        bytes[2] = 0x81
        bytes[3] = 0x80 | (code & 0x0F)
        bytes[6] = UInt8(addresses.count >> 8)
        bytes[7] = UInt8(addresses.count & 0xFF)
        bytes[8...11] = [0, 0, 0, 0]
        for address in addresses {
            bytes += [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4] + address
        }
        return bytes
    }

    /// Reads a possibly compressed name at `offset`, moving it past the name.
    static func readName(_ bytes: [UInt8], _ offset: inout Int) -> String? {
        var labels: [String] = []
        var position = offset
        var jumped = false
        for _ in 0..<128 {
            guard position < bytes.count else { return nil }
            let length = Int(bytes[position])
            if length == 0 {
                if !jumped { offset = position + 1 }
                return labels.joined(separator: ".")
            }
            if length & 0xC0 == 0xC0 {
                guard position + 1 < bytes.count else { return nil }
                if !jumped { offset = position + 2 }
                jumped = true
                position = (length & 0x3F) << 8 | Int(bytes[position + 1])
                continue
            }
            guard position + 1 + length <= bytes.count else { return nil }
            labels.append(String(decoding: bytes[position + 1..<position + 1 + length], as: UTF8.self))
            position += 1 + length
        }
        return nil
    }
}
