import Foundation
import SwiftProtobuf
import VantageWire

/// A record that travels signed in an envelope. Its kind selects the signature domain and the
/// codec, so a new protocol version changes a record's codec in one place.
public protocol SignedRecord: SwiftProtobuf.Message, Sendable {
    /// The envelope kind of this record.
    static var kind: RecordKind { get }
}

extension Batch: SignedRecord { public static let kind = RecordKind.batch }
extension Enrollment: SignedRecord { public static let kind = RecordKind.enrollment }
extension Revocation: SignedRecord { public static let kind = RecordKind.revocation }
extension Campaign: SignedRecord { public static let kind = RecordKind.campaign }
extension EnrollmentRequest: SignedRecord { public static let kind = RecordKind.enrollmentRequest }

/// Encodes and decodes the payload of one record kind: the only place that turns records into
/// the bytes that are signed, and signed bytes back into records.
public enum RecordCodec<Record: SignedRecord> {
    /// The payload bytes of `record`. Encoding a well-formed in-memory message cannot fail.
    public static func encode(_ record: Record) -> Data {
        try! record.serializedBytes()
    }

    /// The record in `payload`; throws naming the kind when the bytes are not one.
    public static func decode(_ payload: Data) throws -> Record {
        do {
            return try Record(serializedBytes: payload)
        } catch {
            throw IdentityError.undecodablePayload(kind: Record.kind.displayName, reason: "\(error)")
        }
    }
}
