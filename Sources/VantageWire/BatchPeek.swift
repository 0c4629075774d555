import Foundation

/// Reads a batch payload's `seq` (field 2) and `tier` (field 8) without decoding its measurements:
/// enough to put a store's batches in chain order, or to find a duplicate, before they are
/// verified and admitted one by one.
public enum BatchPeek {
    /// The seq of a serialized `Batch`, or nil when the bytes are not a well-formed message.
    public static func seq(_ payload: Data) -> UInt64? { varint(field: 2, of: payload) }

    /// The log tier of a serialized `Batch`, or nil when the bytes are not a well-formed message
    /// or the tier is unknown.
    public static func tier(_ payload: Data) -> LogTier? {
        varint(field: 8, of: payload).flatMap { $0 <= UInt64(Int.max) ? LogTier(rawValue: Int($0)) : nil }
    }

    /// The last value of varint field `field` (0 when absent, as in proto3), or nil when the bytes
    /// are not a well-formed message.
    private static func varint(field: UInt64, of payload: Data) -> UInt64? {
        payload.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> UInt64? in
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
            var found: UInt64 = 0
            while i < bytes.count {
                guard let tag = varint() else { return nil }
                switch (tag >> 3, tag & 7) {
                case (field, 0):
                    guard let value = varint() else { return nil }
                    found = value
                case (_, 0): guard varint() != nil else { return nil }
                case (_, 1): i += 8
                case (_, 5): i += 4
                case (_, 2):
                    guard let length = varint(), length <= UInt64(bytes.count - i) else { return nil }
                    i += Int(length)
                default: return nil
                }
                guard i <= bytes.count else { return nil }
            }
            return found
        }
    }
}
