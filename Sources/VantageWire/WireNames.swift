/// Short names for the generated protobuf types of `protocol/vantage.proto` (package vantage.v2).

/// A signed record: payload bytes, the signer's public key and an Ed25519 signature.
public typealias Envelope = Vantage_V2_Envelope
/// Which record an envelope carries; selects the signature domain.
public typealias RecordKind = Vantage_V2_RecordKind
/// One probe result inside a batch.
public typealias Measurement = Vantage_V2_Measurement
/// A probe kind: dns, tcp, tls, http, throughput.
public typealias ProbeKind = Vantage_V2_ProbeKind
/// The closed outcome vocabulary.
public typealias Outcome = Vantage_V2_Outcome
/// A node's signed, hash-chained log entry.
public typealias Batch = Vantage_V2_Batch
/// The mesh root's admission of a node.
public typealias Enrollment = Vantage_V2_Enrollment
/// A node's self-signed request to be enrolled.
public typealias EnrollmentRequest = Vantage_V2_EnrollmentRequest
/// The mesh root's removal of a node.
public typealias Revocation = Vantage_V2_Revocation
/// The mesh root's statement of what to measure.
public typealias Campaign = Vantage_V2_Campaign
/// One platform and its inputs.
public typealias Target = Vantage_V2_Target
/// Scorer parameters carried by a campaign.
public typealias ScoringPolicy = Vantage_V2_ScoringPolicy
/// A text that marks an HTTP block page.
public typealias BlockPageFingerprint = Vantage_V2_BlockPageFingerprint
/// One verdict's id and the digest of the evidence it was computed from.
public typealias VerdictEvidence = Vantage_V2_VerdictEvidence
/// A node's signed statement of the verdicts it computed.
public typealias Attestation = Vantage_V2_Attestation
/// Two conflicting batches of one origin and seq.
public typealias EquivocationProof = Vantage_V2_EquivocationProof
/// Every fact of a ledger, for files and vectors.
public typealias LedgerSnapshot = Vantage_V2_LedgerSnapshot
/// What a node holds of one origin's log.
public typealias VersionEntry = Vantage_V2_VersionEntry
/// What a node holds of every origin's log, on the wire.
public typealias VersionVectorMessage = Vantage_V2_VersionVector
/// The unit sent over a connection.
public typealias Frame = Vantage_V2_Frame
/// First frame of a connection.
public typealias Hello = Vantage_V2_Hello
/// Opening of an anti-entropy exchange.
public typealias Summary = Vantage_V2_Summary
/// Facts a peer lacks.
public typealias Delta = Vantage_V2_Delta
/// A request for specific batches.
public typealias Want = Vantage_V2_Want
/// One origin's seq range in a Want.
public typealias WantRange = Vantage_V2_WantRange
/// A refusal sent to a peer before disconnecting.
public typealias ErrorFrame = Vantage_V2_Error
/// Why a peer was refused.
public typealias ErrorCode = Vantage_V2_ErrorCode

/// The protocol versions this implementation speaks.
public enum ProtocolVersion {
    /// The version this node sends.
    public static let current: UInt32 = 2
    /// Every version this node accepts (version 1 is not spoken: nothing of it was deployed).
    public static let supported: [UInt32] = [2]
}
/// The two logs of an origin: raw measurements and window summaries (SPEC §5.8).
public typealias LogTier = Vantage_V2_LogTier
/// A window summary as signed into a summary log (SPEC §13c).
public typealias WindowSummaryRecord = Vantage_V2_WindowSummary
/// One target's counts in a window summary.
public typealias TargetSummaryRecord = Vantage_V2_TargetSummary
/// One outcome's count in a target summary.
public typealias OutcomeCount = Vantage_V2_OutcomeCount
/// Lazy push: seqs of logs the sender just admitted (SPEC §7.3).
public typealias Announce = Vantage_V2_Announce
/// Raw batches sent in answer to a `Want` with `evidence` set.
public typealias EvidenceFrame = Vantage_V2_Evidence
/// Why a node was revoked: a code; the coordinator keeps any sentence in its own files (SPEC §5.1).
public typealias RevocationReason = Vantage_V2_RevocationReason

extension RevocationReason {
    /// The reasons a coordinator may give, by the names `vantage admin revoke --reason` takes.
    public static let named: [(name: String, reason: RevocationReason)] = [
        ("key-compromised", .keyCompromised), ("device-lost", .deviceLost), ("left", .left),
        ("misbehaved", .misbehaved), ("superseded", .superseded),
    ]

    /// The name of this reason ("unspecified" for none or an unknown code).
    public var name: String { Self.named.first { $0.reason == self }?.name ?? "unspecified" }
}

/// A relay the campaign lists: its node id and address (SPEC §7.5).
public typealias RelayEntry = Vantage_V2_Relay
/// How many archivers in how many countries should hold each raw batch (SPEC §7.4).
public typealias ReplicationGoal = Vantage_V2_ReplicationGoal
