import SwiftProtobuf

/// Why bytes from a peer could not be read as frames.
public enum FrameError: Error, Equatable, CustomStringConvertible {
    /// The length prefix announces more bytes than the limit allows.
    case tooLarge(declared: Int, limit: Int)
    /// The frame body is not a valid protobuf `Frame`.
    case malformed(String)
    /// The frame names a protocol version this node does not speak.
    case unsupportedVersion(UInt32)

    public var description: String {
        switch self {
        case .tooLarge(let declared, let limit):
            return "frame of \(declared) bytes exceeds the limit of \(limit) bytes"
        case .malformed(let reason):
            return "malformed frame: \(reason)"
        case .unsupportedVersion(let version):
            return "unsupported protocol version \(version); supported: \(ProtocolVersion.supported)"
        }
    }
}

/// Encodes frames as the body's length (a protobuf varint: one byte below 128) followed by the
/// protobuf `Frame` bytes (SPEC §2).
public enum FrameEncoder {
    /// The bytes of one frame on the wire; throws when the body exceeds `limits.maxFrameBytes`.
    /// `Hello` and `Error` frames carry the protocol version; the others leave it out (the
    /// version their Hello agreed).
    public static func encode(_ frame: Frame, limits: WireLimits = WireLimits()) throws -> [UInt8] {
        var frame = frame
        if frame.version == 0, frame.carriesVersion { frame.version = ProtocolVersion.current }
        let body: [UInt8] = try frame.serializedBytes()
        guard body.count <= limits.maxFrameBytes else {
            throw FrameError.tooLarge(declared: body.count, limit: limits.maxFrameBytes)
        }
        var out: [UInt8] = []
        out.reserveCapacity(WireLimits.maxLengthPrefixBytes + body.count)
        var n = UInt32(body.count)
        while n >= 0x80 {
            out.append(UInt8(n & 0x7f) | 0x80)
            n >>= 7
        }
        out.append(UInt8(n))
        out.append(contentsOf: body)
        return out
    }
}

extension Frame {
    /// True for the frames that name the protocol version: `Hello`, and `Error`, which may be
    /// the answer to one.
    var carriesVersion: Bool {
        switch body {
        case .hello, .error: return true
        default: return false
        }
    }
}

/// Splits a byte stream into frames. Bytes may arrive in any split; a frame is returned once whole.
/// After an error the stream is unusable and the peer should be disconnected.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// The limits this decoder enforces.
    public let limits: WireLimits

    /// A decoder with empty buffer.
    public init(limits: WireLimits = WireLimits()) {
        self.limits = limits
    }

    /// Bytes received but not yet returned as a frame.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// Adds received bytes.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if readIndex > 0 && readIndex * 2 >= buffer.count {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, or nil when more bytes are needed.
    public mutating func next() throws -> Frame? {
        guard let (length, prefix) = try lengthPrefix() else { return nil }
        guard length <= limits.maxFrameBytes else {
            throw FrameError.tooLarge(declared: length, limit: limits.maxFrameBytes)
        }
        guard bufferedByteCount >= prefix + length else { return nil }
        let start = readIndex + prefix
        let body = buffer[start..<(start + length)]
        readIndex = start + length
        let frame: Frame
        do {
            frame = try Frame(serializedBytes: Array(body))
        } catch {
            throw FrameError.malformed("\(error)")
        }
        guard frame.version == 0 ? !frame.carriesVersion : ProtocolVersion.supported.contains(frame.version) else {
            throw FrameError.unsupportedVersion(frame.version)
        }
        return frame
    }

    /// The body length the buffered varint announces and the varint's bytes, or nil until it is
    /// whole; a longer varint than `WireLimits.maxLengthPrefixBytes` is too large whatever the limit.
    private func lengthPrefix() throws -> (length: Int, bytes: Int)? {
        var length = 0
        for i in 0..<WireLimits.maxLengthPrefixBytes {
            guard i < bufferedByteCount else { return nil }
            let byte = buffer[readIndex + i]
            length |= Int(byte & 0x7f) << (7 * i)
            if byte & 0x80 == 0 { return (length, i + 1) }
        }
        throw FrameError.tooLarge(declared: length, limit: limits.maxFrameBytes)
    }
}
