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

/// Encodes frames as a 4-byte big-endian length followed by the protobuf `Frame` bytes.
public enum FrameEncoder {
    /// The bytes of one frame on the wire; throws when the body exceeds `limits.maxFrameBytes`.
    public static func encode(_ frame: Frame, limits: WireLimits = WireLimits()) throws -> [UInt8] {
        var frame = frame
        if frame.version == 0 { frame.version = ProtocolVersion.current }
        let body: [UInt8] = try frame.serializedBytes()
        guard body.count <= limits.maxFrameBytes else {
            throw FrameError.tooLarge(declared: body.count, limit: limits.maxFrameBytes)
        }
        let n = UInt32(body.count)
        var out: [UInt8] = [UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
        out.reserveCapacity(4 + body.count)
        out.append(contentsOf: body)
        return out
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
        guard bufferedByteCount >= 4 else { return nil }
        let b = buffer[readIndex..<(readIndex + 4)].map(Int.init)
        let length = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3]
        guard length <= limits.maxFrameBytes else {
            throw FrameError.tooLarge(declared: length, limit: limits.maxFrameBytes)
        }
        guard bufferedByteCount >= 4 + length else { return nil }
        let start = readIndex + 4
        let body = buffer[start..<(start + length)]
        readIndex = start + length
        let frame: Frame
        do {
            frame = try Frame(serializedBytes: Array(body))
        } catch {
            throw FrameError.malformed("\(error)")
        }
        guard ProtocolVersion.supported.contains(frame.version) else {
            throw FrameError.unsupportedVersion(frame.version)
        }
        return frame
    }
}
