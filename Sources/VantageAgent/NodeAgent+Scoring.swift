import Foundation
import VantageIdentity
import VantageLedger
import VantageScoring
import VantageWire

/// What identifies a scoring: the ledger state, the country, and the newest closed window.
struct ScoreKey: Equatable {
    var digest: Hash256
    var country: String
    var closedWindows: Int64
}

/// The national view (`GET /v1/view`): the policy and every cell of the view.
public struct ViewResult: Codable, Sendable {
    public var country: String
    public var policy: ScoringParameters
    public var cells: [NationalView.Cell]
}

/// The live view, verdicts, attestations and reports: all a function of the ledger and the clock.
extension NodeAgent {
    /// Scores `country` (default: this node's) from the ledger; recomputed only when the ledger or
    /// the set of closed windows changed. Observations are indexed incrementally per origin.
    func scoring(country: String?) -> (result: ScoreResult, view: NationalView) {
        let country = country ?? enrollment.record.country
        let parameters = ledger.scoringParameters
        let now = nowMs
        let key = ScoreKey(digest: ledger.digest, country: country, closedWindows: now / parameters.windowMs)
        if let scored, scored.key == key { return (scored.result, scored.view) }
        let observations = evidence.update(from: ledger)
        let result = Scorer.score(observations, country: country, parameters: parameters, nowMs: now)
        let view = NationalView(observations, country: country, parameters: parameters)
        scored = (key, result, view)
        return (result, view)
    }

    /// `GET /v1/verdicts?country=CC`: the same JSON as `vantage score`.
    public func verdicts(country: String?) -> ScoreResult { scoring(country: country).result }

    /// `GET /v1/view?country=CC`.
    public func view(country: String?) -> ViewResult {
        let (result, view) = scoring(country: country)
        return ViewResult(country: result.country, policy: result.policy, cells: view.cells)
    }

    /// `GET /v1/reports/ID`: the self-contained report of a current verdict, or nil if there is none.
    public func report(verdictID: String, country: String?) -> Report? {
        guard let verdict = verdicts(country: country).verdicts.first(where: { $0.id == verdictID }) else { return nil }
        return Report.build(verdict: verdict, ledger: ledger, meshName: mesh.name, exportedBy: id, nowMs: nowMs)
    }

    /// Every attestation interval: rescore this node's country and, when the verdicts over closed
    /// windows differ from the ones this node last attested, sign and spread a new attestation.
    func attestIfDue() {
        let now = nowMs
        guard settings.attestIntervalMs > 0, now - lastAttestMs >= settings.attestIntervalMs else { return }
        lastAttestMs = now
        let result = verdicts(country: nil)
        guard !result.verdicts.isEmpty else { return }
        let digest = Attestations.digest(of: result.verdicts)
        let latest = ledger.attestations.values.filter { $0.signer.id == id }.max { $0.record.createdMs < $1.record.createdMs }
        guard latest.map({ Hash256(bytes: $0.record.verdictsDigest) != digest }) ?? true else { return }
        let windowMs = result.policy.windowMs
        let first = result.verdicts.compactMap { RFC3339.milliseconds($0.start) }.min() ?? 0
        let record = Attestations.record(node: id, ledgerDigest: ledger.digest, result: result, windowStartMs: first,
                                         windowEndMs: now / windowMs * windowMs, createdMs: max(now, (latest?.record.createdMs ?? 0) + 1))
        if insert([key.sign(record, as: .attestation)], from: "local").isEmpty {
            logger.info("attested verdicts", metadata: ["verdicts": "\(result.verdicts.map(\.id))", "ledger": "\(ledger.digest.short)"])
        }
    }
}
