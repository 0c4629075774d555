import Foundation

/// Reads a batch payload's `origin` (field 1), `seq` (field 2), `campaign` (field 7) and `tier` (field 8) without
/// decoding its measurements: enough to put a store's batches in chain order, to find a duplicate,
/// or to restore a signer left out on the wire, before they are verified and admitted one by one.
public enum BatchPeek {
    /// The seq of a serialized `Batch`, or nil when the bytes are not a well-formed message.
    public static func seq(_ payload: Data) -> UInt64? { field(2, of: payload)?.varint }

    /// The origin of a serialized `Batch` (empty when absent), or nil when the bytes are not a
    /// well-formed message.
    public static func origin(_ payload: Data) -> Data? { field(1, of: payload).map { payload[$0.bytes] } }

    /// The campaign name of a serialized `Batch` (empty when it names none), or nil when the bytes
    /// are not a well-formed message.
    public static func campaign(_ payload: Data) -> Data? { field(7, of: payload).map { payload[$0.bytes] } }

    /// The log tier of a serialized `Batch`, or nil when the bytes are not a well-formed message
    /// or the tier is unknown.
    public static func tier(_ payload: Data) -> LogTier? {
        field(8, of: payload).flatMap { $0.varint <= UInt64(Int.max) ? LogTier(rawValue: Int($0.varint)) : nil }
    }

    /// The last value of field `number`: a varint (0 when absent, as in proto3) or the payload
    /// indices of a length-delimited field's bytes (empty when absent); nil when the bytes are not
    /// a well-formed message.
    private static func field(_ number: UInt64, of payload: Data) -> (varint: UInt64, bytes: Range<Data.Index>)? {
        let found: (UInt64, Range<Int>)? = payload.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> (UInt64, Range<Int>)? in
            var i = 0
            func varint() -> UInt64? {
                var value: UInt64 = 0
                for shift in stride(from: 0, to: 64, by: 7) {
                    guard i < bytes.count else { return nil }
                    let byte = bytes[i]
                    i += 1
                    value |= UInt64(byte & 0x7F) << UInt64(shift)
                    if byte & 0x80 == 0 { return value }
                }
                return nil
            }
            var found: (UInt64, Range<Int>) = (0, 0..<0)
            while i < bytes.count {
                guard let tag = varint() else { return nil }
                switch (tag >> 3, tag & 7) {
                case (number, 0):
                    guard let value = varint() else { return nil }
                    found.0 = value
                case (_, 0): guard varint() != nil else { return nil }
                case (_, 1): i += 8
                case (_, 5): i += 4
                case (let field, 2):
                    guard let length = varint(), length <= UInt64(bytes.count - i) else { return nil }
                    if field == number { found.1 = i..<(i + Int(length)) }
                    i += Int(length)
                default: return nil
                }
                guard i <= bytes.count else { return nil }
            }
            return found
        }
        return found.map { ($0.0, (payload.startIndex + $0.1.lowerBound)..<(payload.startIndex + $0.1.upperBound)) }
    }
}
