import Foundation
import VantageIdentity
import VantageWire

/// The recorded-style day the demo replays: ten ISPs of one country and two controls abroad
/// measure six platforms every five minutes on 20 January 2024; from 13:00 to 17:30 UTC four
/// platforms are blocked (TLS resets) in nine of the ten ISPs. Drawn from a seed, so every run
/// replays the same day.
public struct DemoDay: Sendable {
    /// A simulated vantage point.
    public struct Point: Sendable {
        public var name: String
        public var profile: NodeProfile
        /// Whether this ISP blocks during the event.
        public var blocks: Bool
    }

    /// The vantage points: ten simulated Pakistani ISPs (Transworld does not block) and two controls.
    public static let points: [Point] = [
        ("ptcl", 17557, "PTCL"), ("jazz", 45669, "Jazz"), ("zong", 59257, "Zong"), ("telenor", 24499, "Telenor"),
        ("ufone", 45595, "Ufone"), ("nayatel", 23674, "Nayatel"), ("stormfiber", 136525, "StormFiber"),
        ("wateen", 38193, "Wateen"), ("cybernet", 9541, "Cybernet"), ("transworld", 38264, "Transworld"),
    ].map { Point(name: $0.0, profile: NodeProfile(country: "PK", asn: $0.1, isp: $0.2), blocks: $0.0 != "transworld") }
        + [Point(name: "de-dtag", profile: NodeProfile(country: "DE", asn: 3320, isp: "Deutsche Telekom"), blocks: false),
           Point(name: "nl-kpn", profile: NodeProfile(country: "NL", asn: 1136, isp: "KPN"), blocks: false)]

    /// The platforms measured; the first four are blocked during the event.
    public static let targets = ["facebook", "instagram", "x", "youtube", "whatsapp", "wikipedia"]
    public static let blockedTargets: Set<String> = ["facebook", "instagram", "x", "youtube"]
    /// 2024-01-20T00:00:00Z.
    public static let startMs: Int64 = 1_705_708_800_000
    /// The blocking: 13:00 to 17:30 UTC.
    public static let blockedMs = (startMs + 13 * 3_600_000)..<(startMs + 17 * 3_600_000 + 1_800_000)

    /// The country scored.
    public static let country = "PK"

    /// The controls abroad are the mesh's archivers (protocol/SPEC.md §7.4): they keep every raw
    /// batch; the ten ISPs keep their own and everyone's summaries.
    public static func isArchiver(_ point: Point) -> Bool { point.profile.country != country }

    /// The demo's campaign: the six platforms (wikipedia the control target), TLS every five
    /// minutes, the controls as archivers.
    public static func campaign(archivers: [NodeID]) -> Campaign {
        Campaign.with { c in
            c.name = "demo"
            c.version = 1
            c.intervalSeconds = 300
            c.probes = [.tls]
            c.targets = targets.map { name in Target.with { $0.name = name; $0.inputs = ["https://\(host(name))/"]; $0.control = name == "wikipedia" } }
            c.archivers = archivers.map { Data($0.bytes) }
        }
    }

    /// JSON Lines of what `point` measured during hour `hour` (0–23): every target every five
    /// minutes, 1 % background failures.
    public static func lines(for point: Point, hour: Int, seed: UInt64 = 20_240_120) -> Data {
        var rng = SplitMix64(seed: seed &+ UInt64(hour) &* 1_000_003 &+ UInt64(point.profile.asn))
        var lines: [String] = []
        for minute in stride(from: 0, to: 60, by: 5) {
            for target in targets {
                let timeMs = startMs + Int64(hour) * 3_600_000 + Int64(minute) * 60_000 + Int64.random(in: 0..<240_000, using: &rng)
                let blocked = point.blocks && blockedTargets.contains(target) && blockedMs.contains(timeMs)
                let outcome = blocked ? "tls_reset" : (Double.random(in: 0..<1, using: &rng) < 0.01 ? "tcp_timeout" : "ok")
                let time = Date(timeIntervalSince1970: Double(timeMs) / 1000).rfc3339
                lines.append(#"{"target":"\#(target)","input":"https://\#(host(target))/","probe":"tls","time":"\#(time)","outcome":"\#(outcome)","runtime_ms":\#(blocked ? 31 : 180 + Int.random(in: 0..<200, using: &rng))}"#)
            }
        }
        return Data((lines.joined(separator: "\n") + "\n").utf8)
    }

    static func host(_ target: String) -> String {
        ["facebook": "www.facebook.com", "instagram": "www.instagram.com", "x": "x.com", "youtube": "www.youtube.com",
         "whatsapp": "web.whatsapp.com", "wikipedia": "www.wikipedia.org"][target] ?? target
    }
}
