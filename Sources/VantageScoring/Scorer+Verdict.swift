import Foundation
import VantageIdentity

/// Turning a merged group of events into a verdict: counts, systematic onsets, chronic, confidence.
extension Scorer {
    /// `marked`: the closed cells of the country (not controls) that are anomalous or an outage.
    static func verdict(from group: Group, country: String, marked: [NationalView.Cell], parameters p: ScoringParameters) -> Verdict {
        let targets = Set(group.windows.map(\.target)).sorted()
        let affected = group.windows.reduce(into: Set<UInt32>()) { $0.formUnion($1.anomalous) }
        let observed = group.windows.reduce(into: Set<UInt32>()) { $0.formUnion($1.observed) }
        let windowCount = Set(group.windows.map(\.window)).count
        let start = Date(unixMilliseconds: group.lower * p.windowMs).rfc3339
        let end = Date(unixMilliseconds: (group.upper + 1) * p.windowMs).rfc3339
        var verdict = Verdict(
            id: "", country: country, scope: group.scope, kind: group.kind, targets: targets, start: start, end: end,
            windows: windowCount, asnsAffected: affected.count, asnsObserved: observed.count, affectedASNs: affected.sorted(),
            vantagePoints: group.windows.map(\.vantagePoints).max() ?? 0,
            systematic: systematic(group, affected), chronic: chronic(group, affected, marked: marked, p),
            confidence: confidence(group, observed: observed.count, p), supportingBatches: [])
        verdict.id = identifier(of: verdict)
        return verdict
    }

    /// Onsets of the affected ASNs (their first anomalous window) fall within two windows of each other.
    static func systematic(_ group: Group, _ affected: Set<UInt32>) -> Bool {
        guard affected.count >= 2 else { return false }
        let onsets = affected.map { asn in group.windows.filter { $0.anomalous.contains(asn) }.map(\.window).min()! }
        return onsets.max()! - onsets.min()! <= 2
    }

    /// Chronic: the disruption has lasted a day, or the affected ASNs were anomalous for this target
    /// in at least half of the day's windows before it began.
    /// `marked` as for `verdict`.
    static func chronic(_ group: Group, _ affected: Set<UInt32>, marked: [NationalView.Cell], _ p: ScoringParameters) -> Bool {
        let day = 86_400_000 / p.windowMs
        if group.upper - group.lower + 1 >= day { return true }
        let targets = Set(group.windows.map(\.target))
        let before = marked.filter {
            (targets.contains($0.target) || targets.contains(Verdict.allTargets)) && affected.contains($0.asn)
                && $0.window >= group.lower - day && $0.window < group.lower
        }
        let anomalous = Set(before.filter { $0.state == (targets.contains(Verdict.allTargets) ? .outage : .anomalous) }.map(\.window)).count
        return Int64(anomalous) * 2 >= day
    }

    /// Confidence in [0, 1] (protocol/SPEC.md §13.6): coverage × strength × persistence, where
    /// coverage = min(1, observed ASNs ÷ (min_asns + 2)), strength = the mean over windows of how
    /// improbable the affected ASNs' failures are under their baselines (`Scorer.strength`; × the
    /// anomalous share for nation scope), and persistence = 0.5 + 0.5 × min(1, windows ÷ 3). Rounded
    /// to two decimals.
    static func confidence(_ group: Group, observed: Int, _ p: ScoringParameters) -> Double {
        let coverage = min(1, Double(observed) / Double(p.minASNs + 2))
        let strength = group.windows.reduce(0) { $0 + $1.strength } / Double(group.windows.count)
        let persistence = 0.5 + 0.5 * min(1, Double(Set(group.windows.map(\.window)).count) / 3)
        return (coverage * strength * persistence * 100).rounded() / 100
    }

    /// SHA-256 of the verdict's defining fields, first 16 hex digits.
    static func identifier(of v: Verdict) -> String {
        let text = [v.country, v.scope.rawValue, v.kind.rawValue, v.targets.joined(separator: ","), v.start, v.end].joined(separator: "|")
        return String(Hash256.of(Array(text.utf8)).hex.prefix(16))
    }
}
