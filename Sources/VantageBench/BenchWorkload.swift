import Crypto
import Foundation
import VantageIdentity
import VantageWire

/// The benchmarks' own deterministic mesh: keys derived from names (SHA-256 of the name as the
/// Ed25519 seed), enrollments valid for decades, and signed batches to ingest.
struct BenchWorkload {
    /// The mesh root key.
    let root: SigningKey
    /// The origins' keys.
    let keys: [SigningKey]
    /// Signed batches, in the order they are ingested.
    var batches: [Envelope] = []

    /// How many ASNs the origins are spread over (origin i is in the (i mod asns)-th).
    let asns: Int

    /// `origins` origins in `asns` ASNs (as many as origins unless given), with no batch yet, enrolled by `root`.
    init(origins: Int, asns: Int? = nil, root: SigningKey = key(named: "bench/root")) {
        self.root = root
        keys = (0..<origins).map { Self.key(named: "bench/node-\($0)") }
        self.asns = max(1, asns ?? origins)
    }

    init(keys: [SigningKey], root: SigningKey, batches: [Envelope]) {
        self.root = root
        self.keys = keys
        self.batches = batches
        asns = keys.count
    }

    /// The ASN origin `index` is enrolled in.
    func asn(of index: Int) -> UInt32 { 64_500 + UInt32(index % asns) }

    /// A root-signed enrollment of every origin in its ASN.
    var enrollments: [Envelope] {
        keys.enumerated().map { index, key in
            root.sign(Enrollment.with {
                $0.meshID = Data(root.publicKey.id.bytes)
                $0.nodePublicKey = Data(key.publicKey.raw)
                $0.country = "PK"
                $0.asn = asn(of: index)
                $0.notBeforeMs = 0
                $0.notAfterMs = 4_000_000_000_000
            })
        }
    }

    /// A key derived from a name.
    static func key(named name: String) -> SigningKey {
        try! SigningKey(seed: Array(SHA256.hash(data: Data(name.utf8))))
    }

    /// `count` TLS measurements a second apart before `createdMs`, over four targets.
    static func measurements(createdMs: Int64, count: Int) -> [VantageWire.Measurement] {
        (0..<count).map { i in
            VantageWire.Measurement.with {
                $0.target = ["facebook", "x", "youtube", "instagram"][i % 4]
                $0.input = "https://www.example.com/"
                $0.probe = .tls
                $0.startTimeMs = createdMs - Int64(1000 * (i + 1))
                $0.runtimeMs = 120
                $0.outcome = .ok
            }
        }
    }
}
