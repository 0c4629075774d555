/// What one node's connections carried in a run: frames and their bytes each way, and an
/// estimate of what TLS and TCP add to them on a real link.
public struct NodeTraffic: Sendable, Equatable {
    /// Frames and their bytes (length prefix + protobuf) delivered to the node and sent by it.
    public var framesIn = 0, bytesIn = 0, framesOut = 0, bytesOut = 0
    /// TCP segments those frames fill, each way.
    public var segmentsIn = 0, segmentsOut = 0

    /// A TLS 1.3 record's header, content type and AEAD tag: one record per frame.
    public static let tlsRecordBytes = 22
    /// The TCP/IPv4 headers of one segment (with timestamps), and the payload it holds at most.
    public static let segmentHeaderBytes = 52
    public static let segmentPayloadBytes = 1_448

    /// Counts a frame of `bytes` delivered to the node.
    mutating func received(_ bytes: Int) {
        framesIn += 1
        bytesIn += bytes
        segmentsIn += Self.segments(bytes)
    }

    /// Counts a frame of `bytes` the node sent.
    mutating func sent(_ bytes: Int) {
        framesOut += 1
        bytesOut += bytes
        segmentsOut += Self.segments(bytes)
    }

    private static func segments(_ frameBytes: Int) -> Int {
        (frameBytes + tlsRecordBytes + segmentPayloadBytes - 1) / segmentPayloadBytes
    }

    /// Bytes received on the link: the frames, their TLS records, the headers of their segments,
    /// and a delayed ACK for every two segments the node sent (an estimate: the simulator moves
    /// frames, not packets).
    public var wireBytesIn: Int {
        bytesIn + framesIn * Self.tlsRecordBytes + segmentsIn * Self.segmentHeaderBytes + segmentsOut / 2 * Self.segmentHeaderBytes
    }

    /// The same for the bytes sent.
    public var wireBytesOut: Int {
        bytesOut + framesOut * Self.tlsRecordBytes + segmentsOut * Self.segmentHeaderBytes + segmentsIn / 2 * Self.segmentHeaderBytes
    }
}
