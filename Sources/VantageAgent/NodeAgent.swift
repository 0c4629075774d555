import Foundation
import Logging
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageProbes
import VantageScoring
import VantageStore
import VantageTransport
import VantageWire

/// The running node: owns the ledger, its store, the gossip machine and the connections, and
/// performs every directive the gossip machine returns. All state changes happen on this actor,
/// one at a time; a fact is written to the store before anything that depends on it is sent.
public actor NodeAgent {
    let settings: AgentSettings
    let node: NodeDirectory
    let key: SigningKey
    let mesh: MeshDescription
    let enrollment: Verified<Enrollment>
    var ledger: Ledger
    var gossip: GossipNode
    var connections: [NodeID: PeerConnection] = [:]
    var rng = SystemRandomNumberGenerator()
    let logger: Logger
    let metrics = AgentMetrics()
    /// When the process started (`process_start_time_seconds`).
    public nonisolated let startTime = Date()
    /// The (scope/kind/target) keys of the active-verdict gauges last set.
    var activeVerdictKeys: Set<String> = []
    /// Addresses to dial, each with the SNI to send (the campaign's cover name).
    var dialRequests: AsyncStream<(address: String, serverName: String?)>.Continuation?
    var storeFailure: StoreError?
    var lastBatchCount = -1
    var countedBytes: [UInt64: (Int, Int)] = [:]
    var scored: (key: ScoreKey, result: ScoreResult, view: NationalView)?
    /// The scoring under way, if any: callers asking for the same key wait for it.
    var scoringTask: (key: ScoreKey, task: Task<(result: ScoreResult, view: NationalView), Never>)?
    var lastAttestMs: Int64 = 0
    /// The verdicts and evidence of the previous attestation check.
    var lastScored: (verdicts: [Verdict], evidence: [String: Hash256])?
    var attesting = false
    /// Webhook alerts, when the operator named receivers.
    let alerts: AlertSender?
    /// Origins already reported as equivocating (logged and counted once each).
    var reportedEquivocations: Set<NodeID> = []
    /// Per remote address, connections refused for a handshake flood (logged at 1, 10, 100, …).
    var floodRefusals: [String: Int] = [:]
    /// The last batch this node signed when its store does not hold it yet (the store was lost):
    /// the node signs nothing until peers have returned its log up to here.
    var recovering: [LogTier: ChainHead] = [:]
    /// Start times of the windows of this node's raw batches whose summaries are not signed yet.
    var unsummarised: Set<Int64> = []
    /// The head of this node's raw log when it last checked for an early summary.
    var earlySummaryCheckedSeq: UInt64 = 0
    /// Envelopes of frames being applied, verified off the actor beforehand.
    var verifiedAhead: [Envelope: Result<SignedFact, any Error>] = [:]
    /// Raw batches asked of archivers, relays and origins (with how many fetches wait for each),
    /// and those that arrived (NodeAgent+Evidence).
    var evidenceAsked: [EvidencePlace: Int] = [:]
    var evidenceReceived: [EvidencePlace: Verified<Batch>] = [:]

    /// Loads the node folder and its ledger. Throws naming the file that is missing or wrong.
    public init(settings: AgentSettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        node = NodeDirectory(path: settings.nodePath)
        key = try KeyFile.read(node.keyPath)
        _ = try SecretFile.read(node.apiTokenPath)  // refuses a token others can read before anything starts
        alerts = settings.alertWebhooks.isEmpty ? nil
            : AlertSender(receivers: settings.alertWebhooks, secret: settings.alertSecret, statePath: settings.nodePath + "/alerts.json", logger: logger)
        mesh = try MeshDescription.read(node.meshDescriptionPath)
        let root = try mesh.rootKey(path: node.meshDescriptionPath)
        let store = try LedgerStore(path: settings.nodePath + "/ledger.sqlite")
        var (ledger, report) = try store.loadLedger(root: root, limits: settings.ledger)
        // The enrollment file: taken from the ledger when it holds it (verified before it was
        // stored), verified otherwise.
        let enrollmentFile = try RecordFile.readEnvelope(node.enrollmentPath)
        guard let enrollment = try enrollmentFile.recordID.flatMap({ ledger.enrollments[$0] }) ?? Self.enrollment(verifying: enrollmentFile),
              enrollment.record.nodePublicKey == Data(key.publicKey.raw) else {
            throw IdentityError.fileCorrupt(path: node.enrollmentPath, reason: "not an enrollment of this node's key")
        }
        self.enrollment = enrollment
        for origin in report.repaired { logger.error("stored log did not match its index; rebuilt from its batches", metadata: ["origin": "\(origin.short)"]) }
        for row in report.quarantined {
            logger.error("stored row unreadable; moved to the quarantine table", metadata: ["row": "\(row)"])
            metrics.refused("quarantined")
        }
        _ = try? ledger.insert(.enrollment(enrollment), nowMs: Date().unixMilliseconds)
        // The campaign sent with the enrollment: its relays say where to dial before any peer is known.
        let campaignPath = node.campaignPath
        if FileManager.default.fileExists(atPath: campaignPath) {
            do {
                try ledger.insert(envelope: RecordFile.readEnvelope(campaignPath), nowMs: Date().unixMilliseconds)
            } catch {
                logger.warning("the campaign file sent with the enrollment is not used", metadata: ["file": "\(campaignPath)", "reason": "\(error)"])
            }
        }
        try ledger.commit()
        let id = key.publicKey.id
        if settings.archive, !ledger.archivers.isEmpty, !ledger.archivers.contains(id) {
            throw ConfigError("--archive: the campaign names \(ledger.archivers.count) archivers and not this node (\(id.hex)); "
                              + "the coordinator adds it to the campaign's `archivers` and signs a new version")
        }
        if !settings.archive, ledger.archivers.contains(id) {
            logger.warning("the campaign names this node an archiver: it keeps every raw log; run it with --archive to say so")
        }
        self.ledger = ledger
        recovering = try Self.recoveryTargets(node: node, ledger: ledger, id: key.publicKey.id, logger: logger)
        unsummarised = try UnsummarisedFile.read(node.unsummarisedPath)
        gossip = GossipNode(id: key.publicKey.id, asn: enrollment.record.asn, settings: settings.gossip, join: settings.join)
    }

    /// The enrollment in `envelope`, verified; nil when it is another kind of record.
    static func enrollment(verifying envelope: Envelope) throws -> Verified<Enrollment>? {
        guard case .enrollment(let enrollment) = try SignedFact(verifying: envelope) else { return nil }
        return enrollment
    }

    /// This node's id.
    public nonisolated var id: NodeID { key.publicKey.id }

    /// The current time in Unix ms.
    var nowMs: Int64 { Date().unixMilliseconds }

    /// The Hello this node sends on every connection.
    func hello() -> Hello {
        Hello.with {
            $0.protocolVersion = ProtocolVersion.current
            $0.supportedVersions = ProtocolVersion.supported
            $0.meshID = Data(ledger.meshID.bytes)
            $0.nodeID = Data(id.bytes)
            $0.enrollment = enrollment.envelope
            $0.timeMs = nowMs
        }
    }

    /// Runs the node until the task is cancelled: listener, dialer and the gossip clock.
    public func run() async throws {
        let transportSettings = settings.transportSettings(relay: ledger.relays[id] != nil)
        let transport = try MeshTransport(identity: TLSIdentity(node: node), settings: transportSettings, handler: self) { [weak self] in
            await self?.hello() ?? Hello()
        }
        let (dials, continuation) = AsyncStream.makeStream(of: (address: String, serverName: String?).self, bufferingPolicy: .bufferingNewest(AgentSettings.maxQueuedDials))
        dialRequests = continuation
        var listener: MeshTransport.Listener?
        if let address = settings.listen {
            let (host, port) = try Self.split(address)
            listener = try await transport.listen(host: host, port: port)
        }
        if let listener, let address = settings.listen {
            let bound = try Self.split(address).0 + ":\(listener.port)"
            try (bound + "\n").write(toFile: node.path + "/listen.addr", atomically: true, encoding: .utf8)
            logger.info("accepting peers", metadata: ["address": "\(bound)"])
        }
        try await withThrowingDiscardingTaskGroup { group in
            if let listener { group.addTask { try await transport.run(listener) } }
            if let probes = settings.probes { group.addTask { await self.probeLoop(ProbeRunner(settings: probes)) } }
            group.addTask {
                try await withThrowingDiscardingTaskGroup { dialing in
                    for await dial in dials { dialing.addTask { await transport.dialAndServe(dial.address, serverName: dial.serverName) } }
                }
            }
            while !Task.isCancelled {
                try await Task.sleep(for: .milliseconds(settings.tickMs))
                try tick()
            }
            continuation.finish()
            group.cancelAll()
        }
    }

    /// Peers this node keeps at most: `relayMaxPeers` when the campaign lists it as a relay.
    var peerLimit: Int { ledger.relays[id] != nil ? max(settings.maxPeers, settings.relayMaxPeers) : settings.maxPeers }

    /// One step of the gossip clock.
    func tick() throws {
        if let storeFailure { throw storeFailure }
        // Where to dial besides --join: the relays the campaign lists. No record names any other
        // node's address (SPEC §5.1, §7.5).
        gossip.learn(addresses: ledger.relayAddresses(for: id, nowMs: nowMs).filter { $0 != settings.listen })
        perform(gossip.onTick(nowMs: nowMs, ledger: ledger, using: &rng))
        ledger.expireHeld(nowMs: nowMs, ttlMs: settings.ledger.heldTTLMs)
        signClosedSummaries()
        signEarlySummary()
        attestIfDue()
        updateGauges()
    }

    /// Sets `vantage_store_bytes` from the sizes of the SQLite files.
    func updateStoreSize() {
        let path = settings.nodePath + "/ledger.sqlite"
        let sizes = ["", "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: path + $0)[.size] as? Int }
        metrics.storeBytes.record(sizes.reduce(0, +))
    }

    /// Sets the active-verdict gauges from `verdicts`.
    func setActiveVerdicts(_ verdicts: [Verdict]) {
        var counts: [String: Int] = [:]
        for verdict in verdicts { for target in verdict.targets { counts["\(verdict.scope.rawValue)/\(verdict.kind.rawValue)/\(target)", default: 0] += 1 } }
        activeVerdictKeys = metrics.activeVerdicts(counts, previous: activeVerdictKeys)
    }

    func updateGauges() {
        let batches = ledger.batchCount
        if batches != lastBatchCount {
            lastBatchCount = batches
            metrics.ledgerBatches.record(batches)
            metrics.ledgerMeasurements.record(ledger.measurementCount)
            metrics.ledgerOrigins.record(ledger.origins.count)
        }
        metrics.peersConnected.record(connections.count)
        metrics.recovering.record(recovering.isEmpty ? 0 : 1)
        for connection in connections.values { countBytes(connection) }
    }

    /// Adds what a connection moved since it was last counted to the byte counters.
    func countBytes(_ connection: PeerConnection) {
        let totals = connection.bytes.totals
        let seen = countedBytes[connection.number] ?? (0, 0)
        metrics.bytesIn.increment(by: totals.received - seen.0)
        metrics.bytesOut.increment(by: totals.sent - seen.1)
        countedBytes[connection.number] = (totals.received, totals.sent)
    }

    static func split(_ address: String) throws -> (String, Int) {
        try MeshTransport.split(address, allowingPortZero: true)
    }
}
