import Foundation
import Testing
import VantageAgent
import VantageDemo
import VantageIdentity
import VantageLedger
import VantageTestKit
import VantageWire

/// Twelve real agents under random SIGKILLs and restarts, one of them losing its store mid-run,
/// while an enrolled hostile node floods attestations and equivocates with large batches. At the
/// end every honest node holds every acknowledged measurement, no honest node is excluded, and all
/// digests are equal.
extension MeshSuite {
@Suite struct SoakTests {
    /// The mesh under test: twelve honest agents (restartable on their own port) and mallory.
    final class Soak: @unchecked Sendable {
        let folders: MeshFolders
        let runner: CommandRunner
        var agents: [AgentProcess?]
        var addresses: [String] = []
        var acknowledged = 0
        var minute: [Int]
        var restarts = 0

        init(_ folders: MeshFolders, honest: Int) throws {
            self.folders = folders
            runner = try CommandRunner(directory: folders.base)
            agents = Array(repeating: nil, count: honest)
            minute = Array(repeating: 0, count: honest)
        }

        var honest: Range<Int> { 0..<agents.count }

        func arguments(_ i: Int) -> [String] {
            var arguments = ["--listen", addresses.indices.contains(i) ? addresses[i] : "127.0.0.1:0", "--gossip-interval", "200ms",
                             "--no-probes", "--attest-interval", "0", "--log-level", "notice"]
            for j in Set([i - 1, i / 2]) where j >= 0 && j < i { arguments += ["--join", addresses[j]] }
            return arguments
        }

        func start(_ i: Int) async throws {
            let agent = try AgentProcess(runner: runner, node: folders.nodes[i].path, arguments: arguments(i))
            let address = try #require(try await agent.waitUntilReady())
            if addresses.count == i { addresses.append(address) }
            agents[i] = agent
        }

        /// Ten measurements at node `i`; counted when the node acknowledges them (signed, durable).
        func submit(_ i: Int) async {
            guard let client = try? AgentClient(node: folders.nodes[i].path),
                  let report = try? await client.submit(jsonLines: measurementLines(10, startMinute: minute[i])) else { return }
            minute[i] += 1
            if report.batches > 0 { acknowledged += report.accepted }
        }

        func kill(_ i: Int, losingStore: Bool = false) {
            agents[i]?.stop(signal: SIGKILL)
            agents[i] = nil
            guard losingStore else { return }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: folders.nodes[i].path + "/ledger.sqlite" + suffix) }
        }

        /// Whether another running node's store holds node `i`'s raw and summary logs up to the
        /// heads node `i` signed (its `signed.head` files): all it signed has left it.
        func othersHoldTheLogs(of i: Int) throws -> Bool {
            let id = try KeyFile.read(folders.nodes[i].keyPath).publicKey.id
            var signed: [LogTier: UInt64] = [:]
            for tier in [LogTier.raw, .summary] { signed[tier] = try SignedHeadFile.read(folders.nodes[i].signedHeadPath(tier))?.seq ?? 0 }
            return honest.filter { $0 != i && agents[$0] != nil }.contains { j in
                guard let ledger = try? LedgerTransfer.ledger(ofNode: folders.nodes[j].path) else { return false }
                return signed.allSatisfy { ledger.head(of: id, tier: $0.key).seq >= $0.value }
            }
        }

        func statuses() async -> [AgentStatus?] {
            var result: [AgentStatus?] = []
            for i in honest { result.append(try? await AgentClient(node: folders.nodes[i].path).status()) }
            return result
        }

        func stopAll() { agents.forEach { $0?.stop() } }
    }

    @Test func twelveAgentsSurviveKillsALostStoreAndAHostileNode() async throws {
        let folders = try MeshFolders.create("soak", nodes: (0..<12).map { ("n\($0)", UInt32(64_600 + $0)) } + [("mallory", 64_700)])
        let soak = try Soak(folders, honest: 12)
        defer { soak.stopAll() }
        for i in soak.honest { try await soak.start(i) }
        var rng = SplitMix64(seed: 15)
        let mallory = try KeyFile.read(folders.nodes[12].keyPath)
        let started = Date()
        var hostile: [HostilePeer] = []
        defer { hostile.forEach { $0.close() } }
        let lostStore = 7
        // 80 steps (about 40 s) in CI; VANTAGE_SOAK_STEPS=400 runs a few minutes of it.
        let steps = max(80, Int(ProcessInfo.processInfo.environment["VANTAGE_SOAK_STEPS"] ?? "") ?? 80)
        for step in 0..<steps {
            let up = soak.honest.filter { soak.agents[$0] != nil && !(step >= 30 && step < 40 && $0 == lostStore) }
            await soak.submit(up.randomElement(using: &rng)!)
            await soak.submit(up.randomElement(using: &rng)!)
            switch step {
            case 10:  // mallory floods two nodes with 1,000 attestations each, chained in its summary log
                for target in [0, 5] { hostile.append(try await floodAttestations(soak, to: target, key: mallory, count: 1_000)) }
            case 20:  // and tries what one insider could once do to every node: a huge summary, a log
                // restart, a veto summary and a flood of evidence Wants, all to node 0 (which holds its summary log)
                hostile.append(try await insiderAttacks(soak, to: 0, key: mallory))
            case 28:
                try await checkInsiderAttacks(soak, at: 0, mallory: mallory.publicKey.id)
            case 40:  // node 7 loses its store once what it signed has left it (a store lost
                // before that waits for ever: aRecoveringNodeSignsNothingUntilItsLogIsBack)
                let left = try await eventually(timeout: 60) { try soak.othersHoldTheLogs(of: lostStore) }
                #expect(left, "node \(lostStore)'s raw and summary logs reach a peer while it runs")
                soak.kill(lostStore, losingStore: true)
            case 44:
                try await soak.start(lostStore)
            case 50:  // mallory equivocates with two large batches, one to node 0, one to node 6
                hostile.append(try await equivocate(soak, key: mallory))
            case let s where s % 8 == 3 && s < steps - 10:  // a random SIGKILL, restarted at once
                // Not the two nodes holding mallory's two versions, which must live to meet.
                let victim = up.filter { ![lostStore, 0, 6].contains($0) }.randomElement(using: &rng)!
                soak.kill(victim)
                soak.restarts += 1
                try await Task.sleep(for: .milliseconds(600))
                try await soak.start(victim)
            default:
                break
            }
            try await Task.sleep(for: .milliseconds(150))
        }
        for i in soak.honest where soak.agents[i] == nil { try await soak.start(i) }
        let chaos = Date().timeIntervalSince(started)
        let converged = await eventually(timeout: 120) {
            let s = await soak.statuses()
            guard s.allSatisfy({ $0 != nil }) else { return false }
            let all = s.compactMap { $0 }
            return Set(all.map(\.ledger.digest)).count == 1 && all.allSatisfy { $0.ledger.measurements >= soak.acknowledged && $0.ledger.excluded == 1 && $0.recovering == nil }
        }
        let final = await soak.statuses().compactMap { $0 }
        let convergedAfter = Date().timeIntervalSince(started) - chaos
        print("soak: \(soak.acknowledged) measurements acknowledged over \(String(format: "%.0f", chaos)) s, \(soak.restarts) SIGKILLs, one lost store; "
              + "converged \(String(format: "%.1f", convergedAfter)) s later: \(final.map(\.ledger.measurements)) measurements, "
              + "\(Set(final.map(\.ledger.digest)).count) digest(s), excluded \(final.map(\.ledger.excluded))")
        #expect(converged, "\(final.map { "\($0.ledger.measurements) \($0.ledger.digest.prefix(8)) excluded \($0.ledger.excluded) \($0.recovering ?? "")" })")
        #expect(final.allSatisfy { $0.ledger.measurements == final[0].ledger.measurements })
        #expect(soak.agents[lostStore]!.tail(400).contains("recovered: peers returned this node's log"), "\(soak.agents[lostStore]!.tail())")
        #expect(final.allSatisfy { $0.ledger.origins == 12 }, "twelve honest logs, mallory's dropped")
    }

    /// Mallory connects to node `i` and sends `count` summary batches it signed, each carrying one
    /// attestation, in deltas of 250.
    func floodAttestations(_ soak: Soak, to i: Int, key: SigningKey, count: Int) async throws -> HostilePeer {
        let port = Int(soak.addresses[i].split(separator: ":").last!)!
        let peer = try await HostilePeer.connect(port: port, as: soak.folders.nodes[12])
        try await peer.sendHello(of: soak.folders.nodes[12])
        var head = ChainHead.genesis
        let batches = (0..<count).map { n in
            let createdMs = HostileMesh.dataDayMs + Int64(n) * 1000
            var batch = head.nextBatch(origin: key.publicKey.id, createdMs: createdMs, measurements: [])
            batch.tier = .summary
            batch.attestations = [Attestation.with {
                $0.country = "PK"
                $0.windowStartMs = createdMs - 600_000
                $0.windowEndMs = createdMs
                $0.verdictsDigest = Data(Hash256.of([UInt8(n % 256), UInt8(n / 256)]).bytes)
                $0.verdictIds = ["verdict-\(n)"]
                $0.evidence = [VerdictEvidence.with { $0.verdictID = "verdict-\(n)"; $0.evidenceDigest = Data(Hash256.zero.bytes) }]
            }]
            let envelope = key.sign(batch)
            head = head.advanced(by: batch, id: envelope.recordID!)
            return envelope
        }
        for start in stride(from: 0, to: count, by: 250) {
            try await peer.send(Frame.with { $0.delta = Delta.with { $0.batches = Array(batches[start..<min(count, start + 250)]); $0.reply = true } })
        }
        return peer
    }

    /// Mallory's summary batch at `seq` after `previousCreatedMs`, holding `summaries`.
    func summaryBatch(_ key: SigningKey, seq: UInt64, previousCreatedMs: Int64, createdMs: Int64, _ summaries: [WindowSummaryRecord]) -> Envelope {
        var batch = Batch()
        batch.origin = Data(key.publicKey.id.bytes)
        batch.tier = .summary
        batch.seq = seq
        batch.previousHash = Data(Hash256.of([UInt8(seq % 256)]).bytes)
        batch.previousCreatedMs = previousCreatedMs
        batch.createdMs = createdMs
        batch.summaries = summaries
        return key.sign(batch)
    }

    /// A window summary of the data day's first window at `asn`, counting `failures` TLS resets of
    /// facebook and naming `rawSeqs`.
    func summary(asn: UInt32, failures: UInt32, rawSeqs: [UInt64], daysBack: Int64 = 0) -> WindowSummaryRecord {
        WindowSummaryRecord.with {
            $0.windowStartMs = (HostileMesh.dataDayMs - daysBack * 86_400_000) / 600_000 * 600_000
            $0.windowSeconds = 600
            $0.country = "PK"
            $0.asn = asn
            $0.targets = [TargetSummaryRecord.with { $0.target = "facebook"; $0.outcomes = [OutcomeCount.with { $0.outcome = .tlsReset; $0.count = failures }] }]
            $0.rawSeqs = rawSeqs
            $0.rawHash = Data(Hash256.zero.bytes)
        }
    }

    /// Mallory sends node `i` a summary of 4,294,967,295 failures (which made every node that
    /// scored it die), a batch far ahead whose predecessor is ancient (which made every node drop
    /// mallory's summary log and restart it), a summary filed under node 0's ASN naming a raw
    /// batch that never existed (which vetoed reports), and 20 Wants of evidence of 300 ranges.
    func insiderAttacks(_ soak: Soak, to i: Int, key: SigningKey) async throws -> HostilePeer {
        let port = Int(soak.addresses[i].split(separator: ":").last!)!
        let peer = try await HostilePeer.connect(port: port, as: soak.folders.nodes[12])
        try await peer.sendHello(of: soak.folders.nodes[12])
        let day = HostileMesh.dataDayMs
        let attacks = [
            summaryBatch(key, seq: 5_000, previousCreatedMs: day, createdMs: day + 2_000_000, [summary(asn: 64_700, failures: .max, rawSeqs: [1])]),
            summaryBatch(key, seq: 9_000, previousCreatedMs: 1, createdMs: day - 10 * 86_400_000, [summary(asn: 64_700, failures: 3, rawSeqs: [1], daysBack: 10)]),
            summaryBatch(key, seq: 9_500, previousCreatedMs: day, createdMs: day + 2_000_000, [summary(asn: 64_600, failures: 3, rawSeqs: [999_999])]),
        ]
        for attack in attacks { try await peer.send(Frame.with { $0.push = attack }) }
        let node0 = try KeyFile.read(soak.folders.nodes[0].keyPath).publicKey.id
        for _ in 0..<20 {
            try await peer.send(.evidenceWant((1...300).map { WantRange(log: Data(node0.bytes), seqs: UInt64($0)...UInt64($0)) }))
        }
        return peer
    }

    /// Node `i` refused the huge summary by name and the Wants as rate-limited, still scores, and
    /// keeps mallory's summary log from seq 1.
    func checkInsiderAttacks(_ soak: Soak, at i: Int, mallory: NodeID) async throws {
        let client = try AgentClient(node: soak.folders.nodes[i].path)
        func refusals(_ reason: String) async throws -> Int {
            let prefix = "vantage_refusals_total{reason=\"\(reason)\"} "
            return try await client.metrics().split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0
        }
        #expect(try await eventually(timeout: 30) { try await refusals("summary_counts") >= 1 }, "the huge summary is refused by name")
        #expect(try await refusals("rate_limited") >= 20, "Wants of more than 256 ranges are not answered")
        _ = try await client.verdicts(country: "PK")
        let ledger = try LedgerTransfer.ledger(ofNode: soak.folders.nodes[i].path)
        let span = ledger.span(of: mallory.summaryLogID)
        #expect(span.floor == 0, "mallory's summary log is not restarted: floor \(span.floor), head \(span.head.seq)")
    }

    /// Two different batches with seq 1, of about 600 KB each, told to nodes 0 and 6.
    func equivocate(_ soak: Soak, key: SigningKey) async throws -> HostilePeer {
        var last: HostilePeer?
        for (i, outcome) in [(0, Outcome.tlsReset), (6, Outcome.ok)] {
            var batch = ChainHeadBatch.first(key: key, createdMs: HostileMesh.dataDayMs, outcome: outcome)
            batch.measurements[0].details = ["pad": String(repeating: "x", count: 600_000)]
            let port = Int(soak.addresses[i].split(separator: ":").last!)!
            let peer = try await HostilePeer.connect(port: port, as: soak.folders.nodes[12])
            try await peer.sendHello(of: soak.folders.nodes[12])
            try await peer.send(Frame.with { $0.push = key.sign(batch) })
            last = peer
        }
        return last!
    }
}
}

/// The first batch of a chain with one measurement, for a hostile node's forks.
enum ChainHeadBatch {
    static func first(key: SigningKey, createdMs: Int64, outcome: Outcome) -> Batch {
        var batch = Batch()
        batch.origin = Data(key.publicKey.id.bytes)
        batch.seq = 1
        batch.previousHash = Data(Hash256.zero.bytes)
        batch.createdMs = createdMs
        batch.measurements = [Measurement.with {
            $0.target = "facebook"
            $0.input = "https://www.facebook.com/"
            $0.probe = .tls
            $0.startTimeMs = createdMs - 60_000
            $0.outcome = outcome
        }]
        return batch
    }
}
