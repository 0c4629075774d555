import Foundation
import VantageGossip
import VantageIdentity
import VantageLedger
import VantageTransport
import VantageWire

/// The transport's callbacks: who may connect, and what arrives.
extension NodeAgent: ConnectionHandler {
    /// A node this one dialed finished the TLS handshake: greet it (send Hello and enrollment)
    /// only when it is not this node, not revoked or excluded, its certificate's key is the one its
    /// enrollment binds (when this node holds one), and, when `address` is a relay the campaign
    /// lists, that relay (SPEC §7.3, §7.5). The refusal is counted by `failedBeforeHello`.
    public func mayGreet(_ tls: TLSPeer, dialed address: String) async -> Result<Void, TransportError> {
        let peer = tls.id
        if peer == id { return .failure(.unexpectedPeer("\(address) is this node")) }
        if ledger.excluded.contains(peer) || ledger.isCutByRevocation(peer, seq: nil, createdMs: nowMs) {
            return .failure(.unexpectedPeer("node \(peer.short) at \(address) is revoked or excluded"))
        }
        if let listed = ledger.relays.first(where: { $0.value == address })?.key, listed != peer {
            return .failure(.unexpectedPeer("\(address) is relay \(listed.short) in the campaign, but node \(peer.short) answered"))
        }
        let known = ledger.enrollments(of: peer)
        if !known.isEmpty, !known.contains(where: { $0.record.tlsPublicKey == tls.tlsKey }) {
            return .failure(.unexpectedPeer("node \(peer.short) at \(address) presented a TLS key its enrollment does not bind"))
        }
        return .success(())
    }

    public func authorize(_ hello: Hello, peer tls: TLSPeer) async -> Result<AdmittedPeer, TransportError> {
        let result = check(hello, peer: tls)
        if case .failure(let error) = result {
            metrics.refused(error.label)
            logger.warning("peer refused at Hello", metadata: ["peer": "\(tls.id.short)", "reason": "\(error)"])
        }
        return result
    }

    /// The Hello rules of protocol/SPEC.md §7.3 (`HelloRules`), with the enrollment the Hello
    /// carries inserted between the identity and standing checks.
    func check(_ hello: Hello, peer tls: TLSPeer) -> Result<AdmittedPeer, TransportError> {
        let now = nowMs
        let decided = HelloRules.identity(hello, peer: tls, meshID: ledger.meshID, selfID: id).flatMap { peer in
            if hello.hasEnrollment { insert([hello.enrollment], from: "hello of \(peer.short)") }
            let slots = HelloRules.Connections(peerConnected: connections[peer] != nil, count: connections.count, maxPeers: peerLimit)
            return HelloRules.standing(of: peer, tlsKey: tls.tlsKey, in: ledger, nowMs: now, connections: slots).map { AdmittedPeer(id: peer, asn: $0) }
        }
        return decided.mapError { TransportError.refused($0.code, $0.message) }
    }

    public func opened(_ connection: PeerConnection) async {
        let peer = connection.peer.id
        if let existing = connections[peer] {
            // One connection per peer: the other one is closed (SPEC §7.3).
            let replace = HelloRules.newConnectionWins(existingDialedBySelf: existing.dialedAddress != nil,
                                                       newDialedBySelf: connection.dialedAddress != nil, selfID: id, peer: peer)
            logger.info("second connection to a peer", metadata: ["peer": "\(peer.short)", "kept": "\(replace ? "the new one" : "the existing one")"])
            metrics.refused("duplicate_connection")
            guard replace else { return connection.close() }
            connections[peer] = connection
            existing.close()
            return
        }
        connections[peer] = connection
        perform(gossip.onConnected(peer, asn: connection.peer.asn, address: connection.dialedAddress, nowMs: nowMs))
        logger.info("peer connected", metadata: ["peer": "\(peer.short)", "asn": "\(connection.peer.asn)",
                                                 "remote": "\(shown(connection.remote, dialed: connection.dialedAddress))"])
    }

    public func received(_ frame: Frame, on connection: PeerConnection) async {
        let peer = connection.peer.id
        guard connections[peer]?.number == connection.number else { return }  // a replaced connection, closing
        // Batches travel without their signers (SPEC §7.2): restored first, so they verify ahead.
        let frame = frame.restoringSigners(in: ledger)
        let (known, me) = (ledger, id)
        let carried = frame.carriedEnvelopes { known.keepsBatch($0, at: me) ?? true }.filter { !known.holds($0) }
        if !carried.isEmpty {
            // Signatures are checked off the actor, so gossip and the API go on meanwhile.
            let verified = await FactVerifier.verify(carried)
            verifiedAhead.merge(verified) { first, _ in first }
            defer { for envelope in verified.keys { verifiedAhead[envelope] = nil } }
            guard connections[peer]?.number == connection.number else { return }
            perform(gossip.onFrame(frame, from: peer, ledger: ledger, nowMs: nowMs, using: &rng))
            return
        }
        perform(gossip.onFrame(frame, from: peer, ledger: ledger, nowMs: nowMs, using: &rng))
    }

    public func closed(_ connection: PeerConnection, error: (any Error)?) async {
        let peer = connection.peer.id
        countBytes(connection)
        countedBytes[connection.number] = nil
        if let error {
            logger.info("peer disconnected", metadata: ["peer": "\(peer.short)", "reason": "\(error)"])
            metrics.refused(Self.label(of: error))
        }
        guard connections[peer]?.number == connection.number else { return }
        connections[peer] = nil
        perform(gossip.onDisconnected(peer, nowMs: nowMs, using: &rng))
    }

    /// A short metrics label for why a connection ended.
    static func label(of error: any Error) -> String {
        switch error {
        case let error as TransportError: return error.label
        case FrameError.tooLarge: return "frame_too_large"
        case FrameError.malformed: return "frame_malformed"
        case FrameError.unsupportedVersion: return "unsupported_version"
        default: return "tls_or_io"
        }
    }

    /// True for 1, 10, 100, …
    static func isPowerOfTen(_ n: Int) -> Bool {
        var n = n
        while n >= 10 && n % 10 == 0 { n /= 10 }
        return n == 1
    }

    public func failedBeforeHello(remote: String, dialedAddress: String?, error: any Error) async {
        if let dialedAddress { perform(gossip.onDialFailed(dialedAddress, nowMs: nowMs, using: &rng)) }
        if case TransportError.refused = error { return }  // counted and logged by `authorize`
        metrics.refused(Self.label(of: error))
        if case TransportError.coverPage = error {
            // A browser, a scanner, `curl`: answered like any web server, nothing more to say.
            return logger.debug("client without a mesh certificate served the cover page")
        }
        if case TransportError.tooManyHandshakes(let address, _) = error {
            // A flood is counted in full but logged at 1, 10, 100, … refusals, so it cannot fill the disk.
            if floodRefusals.count >= AgentSettings.maxFloodLogAddresses && floodRefusals[address] == nil { floodRefusals.removeAll() }
            let count = floodRefusals[address, default: 0] + 1
            floodRefusals[address] = count
            guard Self.isPowerOfTen(count) else { return }
            logger.warning("connection refused before Hello", metadata: ["remote": "\(shown(remote, dialed: dialedAddress))", "reason": "\(error)",
                                                                          "refused_from_address": "\(count)"])
            return
        }
        logger.notice("connection failed before Hello", metadata: ["remote": "\(shown(remote, dialed: dialedAddress))", "reason": "\(error)"])
    }

    /// A peer's address as the logs show it: the address this node dialed (its own settings or
    /// the campaign's relays), or an accepted peer's address only with `--log-peer-addresses` —
    /// a relay's logs must not become a list of volunteers (SPEC §7.5).
    func shown(_ remote: String, dialed: String?) -> String {
        dialed ?? (settings.logPeerAddresses ? remote : "(hidden; --log-peer-addresses shows it)")
    }
}
