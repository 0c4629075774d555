import Crypto
import Foundation
import VantageIdentity
import VantageLedger
import VantageWire

/// A deterministic throwaway mesh for tests: keys derive from names, so every run signs the same bytes.
public struct TestMesh: Sendable {
    /// The mesh root key.
    public let rootKey: SigningKey

    /// A mesh whose root key derives from `name`.
    public init(name: String = "test-mesh") {
        rootKey = TestMesh.key(named: "root/" + name)
    }

    /// The root public key.
    public var root: PublicKey { rootKey.publicKey }
    /// The mesh id.
    public var meshID: Hash256 { root.id }

    /// A signing key derived from a name (SHA-256 of the name as the Ed25519 seed).
    public static func key(named name: String) -> SigningKey {
        try! SigningKey(seed: Array(SHA256.hash(data: Data(name.utf8))))
    }

    /// A node of this mesh with a key derived from `name`.
    public func node(_ name: String, country: String = "PK", asn: UInt32 = 17557, isp: String = "") -> TestNode {
        TestNode(key: TestMesh.key(named: "node/" + name), country: country, asn: asn, isp: isp)
    }

    /// A ledger of this mesh holding `envelopes`, inserted at `nowMs` (each must be admitted).
    public func ledger(with envelopes: [Envelope], nowMs: Int64) -> Ledger {
        var ledger = Ledger(root: root)
        for envelope in envelopes { try! ledger.insert(envelope: envelope, nowMs: nowMs) }
        return ledger
    }

    /// An enrollment of `node`, valid from `notBeforeMs` to `notAfterMs`.
    public func enroll(_ node: TestNode, notBeforeMs: Int64 = 0, notAfterMs: Int64 = 4_000_000_000_000) -> Envelope {
        var enrollment = Enrollment()
        enrollment.meshID = Data(meshID.bytes)
        enrollment.nodePublicKey = Data(node.key.publicKey.raw)
        enrollment.tlsPublicKey = node.tlsPublicKey
        enrollment.country = node.country
        enrollment.asn = node.asn
        enrollment.isp = node.isp
        enrollment.notBeforeMs = notBeforeMs
        enrollment.notAfterMs = notAfterMs
        return rootKey.sign(enrollment)
    }

    /// A revocation of `node`, by time or (when given) by seq.
    public func revoke(_ node: TestNode, effectiveMs: Int64, lastAcceptedSeq: UInt64? = nil, reason: RevocationReason = .misbehaved) -> Envelope {
        var revocation = Revocation()
        revocation.meshID = Data(meshID.bytes)
        revocation.nodeID = Data(node.id.bytes)
        revocation.effectiveMs = effectiveMs
        if let lastAcceptedSeq { revocation.lastAcceptedSeq = lastAcceptedSeq }
        revocation.reasonCode = reason
        revocation.createdMs = effectiveMs
        return rootKey.sign(revocation)
    }

    /// A campaign with the given version and name, measuring `targets` (one input each), naming
    /// `archivers` (none: every node keeps every log) and `relays` (node id and address).
    public func campaign(version: UInt64, name: String = "test", retentionDays: UInt32 = 0, archivers: [NodeID] = [],
                         relays: [(NodeID, String)] = [], replication: ReplicationGoal? = nil, targets: [String] = ["facebook"]) -> Envelope {
        var campaign = Campaign()
        campaign.meshID = Data(meshID.bytes)
        campaign.version = version
        campaign.name = name
        campaign.retentionDays = retentionDays
        campaign.targets = targets.map { name in
            Target.with {
                $0.name = name
                $0.inputs = [name == "facebook" ? "https://www.facebook.com/" : "https://\(name).example/"]
            }
        }
        campaign.probes = [.tls]
        campaign.intervalSeconds = 300
        campaign.archivers = archivers.map { Data($0.bytes) }
        campaign.relays = relays.map { relay in RelayEntry.with { $0.nodeID = Data(relay.0.bytes); $0.address = relay.1 } }
        if let replication { campaign.replication = replication }
        return rootKey.sign(campaign)
    }
}

/// A node of a test mesh that signs a hash-chained log.
public struct TestNode: Sendable {
    /// The node's identity key.
    public let key: SigningKey
    /// Enrollment facts.
    public let country: String
    public let asn: UInt32
    public let isp: String
    /// Chain state: the last batch signed.
    public private(set) var head = ChainHead.genesis
    public var seq: UInt64 { head.seq }
    public var headHash: Hash256 { head.hash }

    /// The node id.
    public var id: NodeID { key.publicKey.id }

    /// The node's TLS key (P-256), derived from its identity key so tests are repeatable.
    public var tlsPublicKey: Data {
        let seed = Data(SHA256.hash(data: Data(key.publicKey.raw) + Data("tls".utf8)))
        return (try! P256.Signing.PrivateKey(rawRepresentation: seed)).publicKey.x963Representation
    }

    /// Who this node's TLS certificate says it is.
    public var tlsPeer: TLSPeer { TLSPeer(id: id, tlsKey: tlsPublicKey) }

    init(key: SigningKey, country: String, asn: UInt32, isp: String) {
        self.key = key
        self.country = country
        self.asn = asn
        self.isp = isp
    }

    /// The same node (same key and chain) enrolled again in another ASN or country: a renewal.
    public static func renewed(_ node: TestNode, country: String? = nil, asn: UInt32) -> TestNode {
        var renewed = TestNode(key: node.key, country: country ?? node.country, asn: asn, isp: node.isp)
        renewed.head = node.head
        return renewed
    }

    /// Signs the next batch of the chain, created at `createdMs`, with `count` measurements.
    public mutating func nextBatch(createdMs: Int64, count: Int = 1, outcome: Outcome = .ok) -> Envelope {
        nextBatch(createdMs: createdMs, measurements: Self.measurements(createdMs: createdMs, count: count, outcome: outcome))
    }

    /// Signs the next batch of the chain, created at `createdMs`, holding `measurements`.
    public mutating func nextBatch(createdMs: Int64, measurements: [VantageWire.Measurement]) -> Envelope {
        let batch = head.nextBatch(origin: id, createdMs: createdMs, measurements: measurements)
        let envelope = key.sign(batch)
        head = head.advanced(by: batch, id: envelope.recordID!)
        return envelope
    }

    /// Signs the next batch of the chain with `count` measurements numbered by `campaign` (a signed
    /// campaign of this mesh), naming that campaign (protocol/SPEC.md §5.6).
    public mutating func nextBatch(createdMs: Int64, count: Int, outcome: Outcome = .ok, numberedBy campaign: Envelope) -> Envelope {
        let record = try! Campaign(serializedBytes: campaign.payload)
        var batch = head.nextBatch(origin: id, createdMs: createdMs,
                                   measurements: Self.measurements(createdMs: createdMs, count: count, outcome: outcome)
                                       .map(CampaignNumbering(record).numbered))
        batch.campaign = CampaignName.of(campaign.recordID!)
        let envelope = key.sign(batch)
        head = head.advanced(by: batch, id: envelope.recordID!)
        return envelope
    }

    /// The last batch of the summary log signed.
    public private(set) var summaryHead = ChainHead.genesis

    /// Signs the next batch of the summary log, created at `createdMs`, holding `summaries` and
    /// `attestations`, their targets numbered by `campaign` (a signed campaign of this mesh) when given.
    public mutating func nextSummaryBatch(createdMs: Int64, summaries: [WindowSummaryRecord], attestations: [Attestation] = [],
                                          numberedBy campaign: Envelope? = nil) -> Envelope {
        var batch = summaryHead.nextBatch(origin: id, createdMs: createdMs, measurements: [])
        batch.tier = .summary
        batch.summaries = summaries
        batch.attestations = attestations
        if let campaign {
            batch.campaign = CampaignName.of(campaign.recordID!)
            batch.summaries = summaries.map(CampaignNumbering(try! Campaign(serializedBytes: campaign.payload)).numbered)
        }
        let envelope = key.sign(batch)
        summaryHead = summaryHead.advanced(by: batch, id: envelope.recordID!)
        return envelope
    }

    /// The summary of the one raw batch `raw` of this node that holds the measurements of a
    /// `windowSeconds` window (its named measurements counted by target and outcome; no
    /// throughputs): what the node signs into its summary log for that window.
    public func summary(of raw: Envelope, windowSeconds: UInt32 = 600) -> WindowSummaryRecord {
        let batch = try! Batch(serializedBytes: raw.payload)
        let windowMs = Int64(windowSeconds) * 1000
        var counts: [String: [Outcome: UInt32]] = [:]
        for m in batch.measurements { counts[m.target, default: [:]][m.outcome, default: 0] += 1 }
        return WindowSummaryRecord.with { record in
            record.windowStartMs = (batch.measurements.map(\.startTimeMs).min()! / windowMs) * windowMs
            record.windowSeconds = windowSeconds
            record.country = country
            record.asn = asn
            record.targets = counts.keys.sorted().map { target in
                TargetSummaryRecord.with {
                    $0.target = target
                    $0.setCounts(counts[target]!.sorted { $0.key.rawValue < $1.key.rawValue }.map { (outcome: $0.key, count: Int($0.value)) })
                }
            }
            record.rawSeqs = [batch.seq]
            record.rawHash = Data(WindowSummaryRecord.rawHash(of: [raw.recordID!]).bytes)
        }
    }

    /// Signs any batch, chained or not (for forks and broken chains).
    public func batch(seq: UInt64, previous: Hash256, previousCreatedMs: Int64, createdMs: Int64,
                      count: Int = 1, outcome: Outcome = .ok) -> Envelope {
        batch(seq: seq, previous: previous, previousCreatedMs: previousCreatedMs, createdMs: createdMs,
              measurements: Self.measurements(createdMs: createdMs, count: count, outcome: outcome))
    }

    func batch(seq: UInt64, previous: Hash256, previousCreatedMs: Int64, createdMs: Int64, measurements: [VantageWire.Measurement]) -> Envelope {
        var batch = Batch()
        batch.origin = Data(id.bytes)
        batch.seq = seq
        batch.previousHash = Data(previous.bytes)
        batch.previousCreatedMs = previousCreatedMs
        batch.createdMs = createdMs
        batch.measurements = measurements
        return key.sign(batch)
    }

    /// `count` facebook TLS measurements with one outcome, a second apart before `createdMs`.
    static func measurements(createdMs: Int64, count: Int, outcome: Outcome) -> [VantageWire.Measurement] {
        (0..<count).map { index in
            var m = Measurement()
            m.target = "facebook"
            m.input = "https://www.facebook.com/"
            m.probe = .tls
            m.startTimeMs = createdMs - Int64(1000 * (index + 1))
            m.runtimeMs = 120
            m.outcome = outcome
            return m
        }
    }

    /// An attestation by this node of the verdicts `verdictIDs` over the hour before `windowEndMs`,
    /// each with the evidence digest `evidence` (an entry for `nextSummaryBatch`).
    public func attestation(windowEndMs: Int64, verdictIDs: [String] = ["verdict"], evidence: Hash256 = .zero) -> Attestation {
        Attestation.with { attestation in
            attestation.country = country
            attestation.windowStartMs = windowEndMs - 3_600_000
            attestation.windowEndMs = windowEndMs
            attestation.verdictsDigest = Data(Hash256.of(Array("verdicts".utf8)).bytes)
            attestation.verdictIds = verdictIDs.sorted()
            attestation.evidence = attestation.verdictIds.map { id in
                VerdictEvidence.with { $0.verdictID = id; $0.evidenceDigest = Data(evidence.bytes) }
            }
        }
    }
}

/// Verifies an envelope that a test built itself and must be valid.
public func verified(_ envelope: Envelope) -> SignedFact {
    try! SignedFact(verifying: envelope)
}
