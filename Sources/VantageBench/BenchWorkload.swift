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

    /// `origins` origins in as many ASNs, with no batch yet, enrolled by `root`.
    init(origins: Int, root: SigningKey = key(named: "bench/root")) {
        self.root = root
        keys = (0..<origins).map { Self.key(named: "bench/node-\($0)") }
    }

    init(keys: [SigningKey], root: SigningKey, batches: [Envelope]) {
        self.root = root
        self.keys = keys
        self.batches = batches
    }

    /// A root-signed enrollment of every origin, each in its own ASN.
    var enrollments: [Envelope] {
        keys.enumerated().map { index, key in
            root.sign(Enrollment.with {
                $0.meshID = Data(root.publicKey.id.bytes)
                $0.nodePublicKey = Data(key.publicKey.raw)
                $0.country = "PK"
                $0.asn = 64_500 + UInt32(index)
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
