import Foundation
import VantageWire
import X509

/// The coordinator's authority: signs enrollments, revocations and campaigns with the mesh root key
/// and issues node certificates with the mesh CA.
public struct MeshAdmin: Sendable {
    /// The mesh root key.
    public let rootKey: SigningKey
    /// The public mesh description.
    public let description: MeshDescription
    /// The CA that issues node TLS certificates.
    public let ca: MeshCertificateAuthority

    /// Bundles the admin's material.
    public init(rootKey: SigningKey, description: MeshDescription, ca: MeshCertificateAuthority) {
        self.rootKey = rootKey
        self.description = description
        self.ca = ca
    }

    /// The mesh id: SHA-256 of the root public key.
    public var meshID: Hash256 { rootKey.publicKey.id }

    /// Signs an enrollment for a verified request, valid from `notBefore` to `notAfter`.
    public func enroll(_ request: Verified<EnrollmentRequest>, notBefore: Date, notAfter: Date) -> Envelope {
        precondition(notBefore < notAfter, "enrollment validity must not be empty")
        var enrollment = Enrollment()
        enrollment.meshID = Data(meshID.bytes)
        enrollment.nodePublicKey = request.record.nodePublicKey
        enrollment.tlsPublicKey = request.record.tlsPublicKey
        enrollment.country = request.record.country
        enrollment.asn = request.record.asn
        enrollment.isp = request.record.isp
        enrollment.notBeforeMs = notBefore.unixMilliseconds
        enrollment.notAfterMs = notAfter.unixMilliseconds
        return rootKey.sign(enrollment)
    }

    /// Signs a revocation of `nodeID`, effective at `effective`; `lastAcceptedSeq`, when known,
    /// cuts the node's log by seq instead of by (forgeable) time.
    public func revoke(nodeID: NodeID, effective: Date, lastAcceptedSeq: UInt64?, reason: RevocationReason, now: Date) -> Envelope {
        var revocation = Revocation()
        revocation.meshID = Data(meshID.bytes)
        revocation.nodeID = Data(nodeID.bytes)
        revocation.effectiveMs = effective.unixMilliseconds
        if let lastAcceptedSeq { revocation.lastAcceptedSeq = lastAcceptedSeq }
        revocation.reasonCode = reason
        revocation.createdMs = now.unixMilliseconds
        return rootKey.sign(revocation)
    }

    /// Signs a campaign, stamping it with this mesh's id.
    public func sign(_ campaign: Campaign) -> Envelope {
        var campaign = campaign
        campaign.meshID = Data(meshID.bytes)
        return rootKey.sign(campaign)
    }
}
