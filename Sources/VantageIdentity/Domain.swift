import Crypto
import Foundation
import VantageWire

/// Domain-separation tags: every hash and signature of the protocol starts with one, so a value
/// made for one purpose or one protocol version never passes as another.
public enum Domain {
    /// `"vantage/NAME/vN\0"` for this protocol version, e.g. `"vantage/batch/v2\0"`.
    public static func tag(_ name: String) -> [UInt8] {
        Array("vantage/\(name)/v\(ProtocolVersion.current)".utf8) + [0]
    }
}

extension RecordKind {
    /// The domain-separation prefix signed before the payload: e.g. `"vantage/batch/v2\0"`.
    /// nil for kinds that cannot be signed (unspecified or unknown numbers).
    public var signatureDomain: [UInt8]? {
        let name: String
        switch self {
        case .batch: name = "batch"
        case .enrollment: name = "enrollment"
        case .revocation: name = "revocation"
        case .campaign: name = "campaign"
        case .enrollmentRequest: name = "enrollment-request"
        case .unspecified, .UNRECOGNIZED: return nil
        }
        return Domain.tag(name)
    }

    /// A short lower-case name for messages and JSON.
    public var displayName: String {
        switch self {
        case .batch: return "batch"
        case .enrollment: return "enrollment"
        case .revocation: return "revocation"
        case .campaign: return "campaign"
        case .enrollmentRequest: return "enrollment-request"
        case .unspecified: return "unspecified"
        case .UNRECOGNIZED(5): return "unknown(5): a stand-alone attestation, which protocol version 2 replaced by entries of the summary log"
        case .UNRECOGNIZED(let n): return "unknown(\(n))"
        }
    }
}

extension Envelope {
    /// The id of the record: SHA-256 of its signature domain followed by the payload bytes.
    /// nil when the kind has no domain.
    public var recordID: Hash256? {
        guard let domain = kind.signatureDomain else { return nil }
        var hasher = SHA256()
        hasher.update(data: domain)
        hasher.update(data: payload)
        return Hash256(digest: hasher.finalize())
    }
}
