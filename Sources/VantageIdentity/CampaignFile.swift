import Foundation
import VantageWire

/// A campaign as the coordinator writes it (`deploy/campaigns/*.json`), checked and turned into
/// the `Campaign` record the mesh root signs. Every problem names the field it is in.
public struct CampaignFile: Codable, Sendable {
    public struct TargetEntry: Codable, Sendable {
        public var name: String
        public var inputs: [String]
        public var control: Bool?
    }

    public struct Fingerprint: Codable, Sendable {
        public var name: String
        public var bodyContains: String
        enum CodingKeys: String, CodingKey { case name, bodyContains = "body_contains" }
    }

    /// The scorer's parameters (protocol/SPEC.md §13); an absent one takes its default.
    public struct Policy: Codable, Sendable {
        public var windowSeconds: UInt32?
        public var minMeasurements: UInt32?
        public var throttlePercent: UInt32?
        public var minAsns: UInt32?
        public var nationSharePercent: UInt32?
        public var falseDiscoveryPermille: UInt32?
        public var baselineWindows: UInt32?
        public var priorFailurePercent: UInt32?
        public var offlinePercent: UInt32?
        public var minWindows: UInt32?
        enum CodingKeys: String, CodingKey, CaseIterable {
            case windowSeconds = "window_seconds", minMeasurements = "min_measurements", throttlePercent = "throttle_percent"
            case minAsns = "min_asns", nationSharePercent = "nation_share_percent", falseDiscoveryPermille = "false_discovery_permille"
            case baselineWindows = "baseline_windows", priorFailurePercent = "prior_failure_percent", offlinePercent = "offline_percent"
            case minWindows = "min_windows"
        }

        /// Reads the policy, refusing a key this version does not know (such as version 1's
        /// `anomalous_percent`), so a campaign never silently scores by other rules than it says.
        public init(from decoder: any Decoder) throws {
            let known = try decoder.container(keyedBy: CodingKeys.self)
            let all = try decoder.container(keyedBy: AnyKey.self)
            if let unknown = all.allKeys.map(\.stringValue).sorted().first(where: { CodingKeys(rawValue: $0) == nil }) {
                throw DecodingError.dataCorruptedError(forKey: AnyKey(stringValue: unknown)!, in: all,
                    debugDescription: "unknown policy key '\(unknown)'; the keys are \(CodingKeys.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            windowSeconds = try known.decodeIfPresent(UInt32.self, forKey: .windowSeconds)
            minMeasurements = try known.decodeIfPresent(UInt32.self, forKey: .minMeasurements)
            throttlePercent = try known.decodeIfPresent(UInt32.self, forKey: .throttlePercent)
            minAsns = try known.decodeIfPresent(UInt32.self, forKey: .minAsns)
            nationSharePercent = try known.decodeIfPresent(UInt32.self, forKey: .nationSharePercent)
            falseDiscoveryPermille = try known.decodeIfPresent(UInt32.self, forKey: .falseDiscoveryPermille)
            baselineWindows = try known.decodeIfPresent(UInt32.self, forKey: .baselineWindows)
            priorFailurePercent = try known.decodeIfPresent(UInt32.self, forKey: .priorFailurePercent)
            offlinePercent = try known.decodeIfPresent(UInt32.self, forKey: .offlinePercent)
            minWindows = try known.decodeIfPresent(UInt32.self, forKey: .minWindows)
        }

        struct AnyKey: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
    }

    public var name: String
    public var version: UInt64
    public var intervalSeconds: UInt32
    public var probes: [String]
    public var targets: [TargetEntry]
    public var fingerprints: [Fingerprint]?
    public var policy: Policy?
    public var retentionDays: UInt32?
    public var maxMeasurementAgeDays: UInt32?
    /// The daily quota per origin (protocol/SPEC.md §5.7); absent: the defaults.
    public var maxBatchesPerDay: UInt32?
    public var maxBatchBytesPerDay: UInt64?
    /// How long after a window ends its summaries are signed (protocol/SPEC.md §13c); absent: 60 s.
    public var summaryGraceSeconds: UInt32?
    /// Node ids (hex) of the archivers, which keep every raw log (protocol/SPEC.md §7.4); absent
    /// or empty: every node keeps every raw log.
    public var archivers: [String]?
    /// The relays: where nodes dial (protocol/SPEC.md §7.5); absent or empty: nodes dial only
    /// their `--join` addresses.
    public var relays: [RelayEntryFile]?
    /// How many archivers in how many countries should hold each raw batch (protocol/SPEC.md
    /// §7.4); absent: 3 in 2.
    public var replication: ReplicationFile?
    /// The server name (SNI) nodes send when they dial a relay, so their traffic names an
    /// ordinary site (protocol/SPEC.md §7.5); absent: none.
    public var coverName: String?

    /// The replication goal as the file names it.
    public struct ReplicationFile: Codable, Sendable {
        public var archivers: UInt32?
        public var countries: UInt32?
    }

    /// A relay as the file names it.
    public struct RelayEntryFile: Codable, Sendable {
        public var nodeID: String
        public var address: String
        enum CodingKeys: String, CodingKey { case address, nodeID = "node_id" }
    }

    enum CodingKeys: String, CodingKey {
        case name, version, probes, targets, fingerprints, policy
        case intervalSeconds = "interval_seconds", retentionDays = "retention_days", maxMeasurementAgeDays = "max_measurement_age_days"
        case maxBatchesPerDay = "max_batches_per_day", maxBatchBytesPerDay = "max_batch_bytes_per_day"
        case summaryGraceSeconds = "summary_grace_seconds"
        case archivers, relays, replication
        case coverName = "cover_name"
    }

    /// Reads and checks a campaign file; the error names the file and the field.
    public static func read(_ path: String) throws -> Campaign {
        guard let data = FileManager.default.contents(atPath: path) else { throw IdentityError.fileMissing(path: path) }
        let file: CampaignFile
        do {
            file = try JSONDecoder().decode(CampaignFile.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw IdentityError.fileCorrupt(path: path, reason: "missing field '\((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw IdentityError.fileCorrupt(path: path, reason: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch {
            throw IdentityError.fileCorrupt(path: path, reason: "not a campaign JSON file: \(error)")
        }
        if let problem = file.problem { throw IdentityError.fileCorrupt(path: path, reason: problem) }
        return file.record
    }

    /// The first thing wrong with the campaign, naming its field; nil when it is fine.
    public var problem: String? {
        if name.isEmpty { return "name: must not be empty" }
        if version == 0 { return "version: must be 1 or more (the highest version wins)" }
        if intervalSeconds == 0 { return "interval_seconds: must be 1 or more" }
        if probes.isEmpty { return "probes: name at least one of dns, tcp, tls, http, throughput" }
        for (i, probe) in probes.enumerated() where ProbeKind(name: probe) == nil {
            return "probes[\(i)]: '\(probe)' is not one of dns, tcp, tls, http, throughput"
        }
        if targets.isEmpty { return "targets: must not be empty" }
        for (i, target) in targets.enumerated() {
            if target.name.isEmpty { return "targets[\(i)].name: must not be empty" }
            if target.inputs.isEmpty { return "targets[\(i)].inputs: give at least one URL" }
            for (j, input) in target.inputs.enumerated() {
                guard let url = URLComponents(string: input), ["http", "https"].contains(url.scheme ?? ""), url.host?.isEmpty == false else {
                    return "targets[\(i)].inputs[\(j)]: '\(input)' is not an http or https URL"
                }
            }
        }
        for (i, archiver) in (archivers ?? []).enumerated() where Hash256(hex: archiver) == nil {
            return "archivers[\(i)]: '\(archiver)' is not a node id (64 hex digits, as `vantage node show` prints it)"
        }
        if let archivers, Set(archivers.map { $0.lowercased() }).count < archivers.count { return "archivers: a node id is listed twice" }
        for (i, relay) in (relays ?? []).enumerated() {
            if Hash256(hex: relay.nodeID) == nil { return "relays[\(i)].node_id: '\(relay.nodeID)' is not a node id (64 hex digits)" }
            if let problem = NodeProfile.hostPortProblem(relay.address) { return "relays[\(i)].address: \(problem)" }
        }
        if let name = coverName, !Self.isHostName(name) {
            return "cover_name: '\(name)' is not a DNS host name such as www.example.org (letters, digits, hyphens and dots; not an IP address)"
        }
        if let goal = replication {
            if goal.archivers == 0 || goal.countries == 0 { return "replication: archivers and countries must be 1 or more (absent: 3 and 2)" }
            if (goal.countries ?? 2) > (goal.archivers ?? 3) { return "replication.countries: more countries than archivers cannot be met" }
        }
        for (i, print) in (fingerprints ?? []).enumerated() where print.name.isEmpty || print.bodyContains.count < 8 {
            return "fingerprints[\(i)]: needs a name and a body_contains of at least 8 characters"
        }
        if let p = policy {
            for (field, value) in [("throttle_percent", p.throttlePercent), ("nation_share_percent", p.nationSharePercent),
                                   ("prior_failure_percent", p.priorFailurePercent), ("offline_percent", p.offlinePercent)] where (value ?? 0) > 100 {
                return "policy.\(field): \(value!) is above 100"
            }
            if let rate = p.falseDiscoveryPermille, rate > 500 {
                return "policy.false_discovery_permille: \(rate) is above 500 (half of all discoveries false)"
            }
        }
        return nil
    }

    /// True for a DNS name of letters, digits and hyphens in dot-separated labels, with a letter in
    /// its last label (so no IP address), at most 253 characters.
    static func isHostName(_ name: String) -> Bool {
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        guard name.count <= 253, labels.count >= 2, labels.last?.contains(where: \.isLetter) == true else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// The record to sign (the mesh id is stamped by the admin).
    public var record: Campaign {
        Campaign.with { c in
            c.name = name
            c.version = version
            c.intervalSeconds = intervalSeconds
            c.probes = probes.compactMap(ProbeKind.init(name:))
            c.targets = targets.map { t in Target.with { $0.name = t.name; $0.inputs = t.inputs; $0.control = t.control ?? false } }
            c.fingerprints = (fingerprints ?? []).map { f in BlockPageFingerprint.with { $0.name = f.name; $0.bodyContains = f.bodyContains } }
            c.retentionDays = retentionDays ?? 0
            c.maxMeasurementAgeDays = maxMeasurementAgeDays ?? 0
            c.maxBatchesPerDay = maxBatchesPerDay ?? 0
            c.maxBatchBytesPerDay = maxBatchBytesPerDay ?? 0
            c.summaryGraceSeconds = summaryGraceSeconds ?? 0
            c.archivers = (archivers ?? []).compactMap { Hash256(hex: $0).map { Data($0.bytes) } }
            c.relays = (relays ?? []).compactMap { relay in
                Hash256(hex: relay.nodeID).map { id in RelayEntry.with { $0.nodeID = Data(id.bytes); $0.address = relay.address } }
            }
            c.coverName = coverName ?? ""
            if let goal = replication {
                c.replication = ReplicationGoal.with { $0.archivers = goal.archivers ?? 0; $0.countries = goal.countries ?? 0 }
            }
            if let p = policy {
                c.policy = ScoringPolicy.with {
                    $0.windowSeconds = p.windowSeconds ?? 0
                    $0.minMeasurements = p.minMeasurements ?? 0
                    $0.throttlePercent = p.throttlePercent ?? 0
                    $0.minAsns = p.minAsns ?? 0
                    $0.nationSharePercent = p.nationSharePercent ?? 0
                    $0.falseDiscoveryPermille = p.falseDiscoveryPermille ?? 0
                    $0.baselineWindows = p.baselineWindows ?? 0
                    $0.priorFailurePercent = p.priorFailurePercent ?? 0
                    $0.offlinePercent = p.offlinePercent ?? 0
                    $0.minWindows = p.minWindows ?? 0
                }
            }
        }
    }
}
