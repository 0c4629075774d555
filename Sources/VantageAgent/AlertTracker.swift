import Foundation
import VantageIdentity
import VantageScoring

/// A disruption as alerts follow it: its stable event id (from its first window, country and
/// first targets — a verdict's id changes as its end moves) and what was last said of it.
struct AlertEvent: Codable, Sendable, Equatable {
    var id: String
    var country: String
    var kind: String
    var start: String
    var targets: [String]
    var affectedASNs: [UInt32]
    var scope: String

    enum CodingKeys: String, CodingKey {
        case id, country, kind, start, targets, scope
        case affectedASNs = "affected_asns"
    }
}

/// What changed about a disruption.
struct AlertChange: Sendable, Equatable {
    enum What: String, Sendable { case appeared, widened, scopeChanged = "scope_changed", ended }
    var what: What
    var event: AlertEvent
    var verdict: Verdict?
}

/// Follows the current verdicts of one country and says what appeared, widened (more ASNs or
/// targets), changed scope or ended. Deterministic: a function of the verdicts it is shown.
struct AlertTracker: Codable, Sendable, Equatable {
    /// Open events by id.
    var open: [String: AlertEvent] = [:]

    /// The changes since the last call, given the verdicts of a scoring whose last closed window
    /// starts at `lastWindowStartMs`.
    mutating func observe(_ verdicts: [Verdict], lastWindowStartMs: Int64) -> [AlertChange] {
        var changes: [AlertChange] = []
        var seen: Set<String> = []
        for verdict in verdicts.filter({ $0.isCurrent(lastWindowStartMs: lastWindowStartMs) }).sorted(by: { $0.id < $1.id }) {
            let now = Self.event(of: verdict, id: matching(verdict)?.id ?? Self.eventID(of: verdict))
            seen.insert(now.id)
            guard let before = open[now.id] else {
                open[now.id] = now
                changes.append(AlertChange(what: .appeared, event: now, verdict: verdict))
                continue
            }
            if now.scope != before.scope {
                changes.append(AlertChange(what: .scopeChanged, event: now, verdict: verdict))
            } else if !Set(now.affectedASNs).isSubset(of: before.affectedASNs) || !Set(now.targets).isSubset(of: before.targets) {
                changes.append(AlertChange(what: .widened, event: now, verdict: verdict))
            }
            open[now.id] = AlertEvent(id: now.id, country: now.country, kind: now.kind, start: before.start,
                                      targets: Array(Set(before.targets + now.targets)).sorted(),
                                      affectedASNs: Array(Set(before.affectedASNs + now.affectedASNs)).sorted(), scope: now.scope)
        }
        for (id, event) in open.sorted(by: { $0.key < $1.key }) where !seen.contains(id) {
            open[id] = nil
            changes.append(AlertChange(what: .ended, event: event, verdict: nil))
        }
        return changes
    }

    /// The open event `verdict` continues: same country and kind, sharing a target, starting where
    /// the event started (a verdict's start is its first window; its end and targets may grow).
    func matching(_ verdict: Verdict) -> AlertEvent? {
        open.values.sorted { $0.id < $1.id }.first { event in
            event.country == verdict.country && event.kind == verdict.kind.rawValue && event.start == verdict.start
                && !Set(event.targets).isDisjoint(with: verdict.targets)
        }
    }

    static func event(of verdict: Verdict, id: String) -> AlertEvent {
        AlertEvent(id: id, country: verdict.country, kind: verdict.kind.rawValue, start: verdict.start, targets: verdict.targets.sorted(),
                   affectedASNs: verdict.affectedASNs.sorted(), scope: verdict.scope.rawValue)
    }

    /// SHA-256 of country, first window and targets at first sight, 16 hex digits.
    static func eventID(of verdict: Verdict) -> String {
        let text = "\(verdict.country)\n\(verdict.start)\n\(verdict.kind.rawValue)\n\(verdict.targets.sorted().joined(separator: ","))"
        return String(Hash256.of(Array(text.utf8)).hex.prefix(16))
    }
}
