import Foundation

/// Reads a batch payload's `seq` (field 2) without decoding its measurements: enough to put a
/// store's batches in chain order before they are verified and admitted one by one.
public enum BatchPeek {
    /// The seq of a serialized `Batch`, or nil when the bytes are not a well-formed message.
    public static func seq(_ payload: Data) -> UInt64? {
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
            while i < bytes.count {
                guard let tag = varint() else { return nil }
                switch (tag >> 3, tag & 7) {
                case (2, 0): return varint()
                case (_, 0): guard varint() != nil else { return nil }
                case (_, 1): i += 8
                case (_, 5): i += 4
                case (_, 2):
                    guard let length = varint(), length <= UInt64(bytes.count - i) else { return nil }
                    i += Int(length)
                default: return nil
                }
            }
            return 0  // proto3: an absent seq is 0
        }
    }
}
