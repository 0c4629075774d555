import Foundation
import VantageIdentity
import VantageLedger
import VantageStore
import VantageWire

/// Carrying signed facts across a total cut (a USB stick): export what a peer is missing from a
/// node's store, import it into another node. Import is the same verified CRDT merge as gossip.
public enum LedgerTransfer {
    /// The node's ledger, read from its store (safe while its agent runs: SQLite WAL readers).
    public static func ledger(ofNode path: String) throws -> Ledger {
        let node = NodeDirectory(path: path)
        let root = try MeshDescription.read(node.meshDescriptionPath).rootKey(path: node.meshDescriptionPath)
        let storePath = node.path + "/ledger.sqlite"
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw StoreError("\(storePath) does not exist: run `vantage agent --node \(path)` once, or import into it")
        }
        return try LedgerStore(path: storePath).loadLedger(root: root).0
    }

    /// What a node with version vector `since` lacks (everything when nil), as a ledger file's snapshot.
    public static func export(node path: String, since: VersionVector?) throws -> LedgerSnapshot {
        let ledger = try ledger(ofNode: path)
        guard let since else { return ledger.snapshot }
        let delta = ledger.delta(since: since)
        var snapshot = LedgerSnapshot()
        snapshot.meshRoot = Data(ledger.root.raw)
        snapshot.facts = delta.facts + delta.batches
        snapshot.proofs = delta.proofs
        return snapshot
    }

    /// The version vector of a `--since` file: a vector file, or a ledger file (its facts' vector).
    public static func vector(from contents: RecordFile.Contents, path: String) throws -> VersionVector {
        switch contents {
        case .vector(let message): return try VersionVector(message: message)
        case .ledger(let snapshot): return try Ledger.load(snapshot, nowMs: Date().unixMilliseconds).0.versionVector
        case .envelope: throw IdentityError.fileCorrupt(path: path, reason: "holds one envelope, not a ledger or a version vector")
        }
    }

    /// Merges a snapshot into a node whose agent is not running, writing the store directly.
    public static func importOffline(node path: String, snapshot: LedgerSnapshot) throws -> ApplyReport {
        let node = NodeDirectory(path: path)
        let root = try MeshDescription.read(node.meshDescriptionPath).rootKey(path: node.meshDescriptionPath)
        guard Array(snapshot.meshRoot) == root.raw else {
            throw IdentityError.fileCorrupt(path: "import file", reason: "it belongs to another mesh")
        }
        let store = try LedgerStore(path: node.path + "/ledger.sqlite")
        var (ledger, _) = try store.loadLedger(root: root)
        var delta = Delta()
        delta.facts = snapshot.facts.filter { $0.kind != .batch }
        delta.batches = snapshot.facts.filter { $0.kind == .batch }
        delta.proofs = snapshot.proofs
        let report = ledger.apply(delta, nowMs: Date().unixMilliseconds)
        try ledger.commit()
        return report
    }
}
