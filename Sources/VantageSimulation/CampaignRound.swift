import Foundation
import VantageIdentity
import VantageWire

/// A campaign of the size the benchmarks and traffic simulations use: 7 targets × 5 probe kinds
/// every 300 s, so one round of one node is a batch of 35 measurements, about 1 % failing.
public enum CampaignRound {
    public static let targets = ["facebook", "x", "youtube", "instagram", "whatsapp", "tiktok", "wikipedia"]
    public static let probes: [ProbeKind] = [.dns, .tcp, .tls, .http, .throughput]
    public static let intervalSeconds: UInt32 = 300
    /// The scoring window (the default): two rounds.
    public static let windowSeconds: UInt32 = 600

    /// The campaign record (unsigned; `retentionDays` 30 unless given).
    public static func campaign(retentionDays: UInt32 = 30) -> Campaign {
        Campaign.with { c in
            c.name = "round"
            c.version = 1
            c.intervalSeconds = intervalSeconds
            c.retentionDays = retentionDays
            c.probes = probes
            c.targets = targets.map { name in Target.with { $0.name = name; $0.inputs = ["https://\(name).example/"]; $0.control = name == "wikipedia" } }
        }
    }

    /// One round of node `origin` starting at `startMs`: every target with every probe kind, a
    /// second apart, named (a ledger numbers them by its campaign when it signs).
    public static func measurements(origin: Int, startMs: Int64) -> [VantageWire.Measurement] {
        var measurements: [VantageWire.Measurement] = []
        for (t, target) in targets.enumerated() {
            for (p, probe) in probes.enumerated() {
                let i = t * probes.count + p
                let noise = (startMs / 1000 &* 2_654_435_761 &+ Int64(origin * 97 + i)) % 100
                measurements.append(VantageWire.Measurement.with {
                    $0.target = target
                    $0.input = "https://\(target).example/"
                    $0.probe = probe
                    $0.startTimeMs = startMs + Int64(i) * 1_000
                    $0.runtimeMs = UInt32(80 + (i * 37) % 400)
                    $0.outcome = noise == 0 ? .tcpTimeout : .ok
                    if probe == .throughput { $0.throughputKbps = UInt64(20_000 + (noise * 331) % 5_000) }
                })
            }
        }
        return measurements
    }

    /// The window summary of node `origin`'s (in `asn`) two rounds in the window starting at `windowStartMs`:
    /// per target ten measurements, nearly always all `ok`, and the median of two throughputs —
    /// the shape of a summary in a mesh without disruption. `rawSeqs` are the raw batches it names.
    public static func summary(origin: Int, asn: UInt32, windowStartMs: Int64, rawSeqs: [UInt64]) -> WindowSummaryRecord {
        WindowSummaryRecord.with { record in
            record.windowStartMs = windowStartMs
            record.windowSeconds = windowSeconds
            record.country = "PK"
            record.asn = asn
            record.targets = targets.sorted().enumerated().map { t, target in
                let noise = (windowStartMs / 1000 &* 2_654_435_761 &+ Int64(origin * 97 + t)) % 20
                return TargetSummaryRecord.with {
                    $0.target = target
                    $0.setCounts(noise == 0 ? [(outcome: .ok, count: 9), (outcome: .tcpTimeout, count: 1)] : [(outcome: .ok, count: 10)])
                    $0.throughputMedianHalves = UInt64(2 * (20_000 + (noise * 331) % 5_000))
                    $0.throughputSamples = 2
                }
            }
            record.rawSeqs = rawSeqs
            record.rawHash = Data(Hash256.of(Array("raw-\(origin)-\(windowStartMs)".utf8)).bytes)
        }
    }
}
