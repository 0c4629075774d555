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
    /// What scoring needs: the memoised result, a scoring (under way or new) to wait for, or a
    /// scoring of another country to wait out first.
    enum ScoringInput {
        case memoised(ScoreResult, NationalView)
        case running(ScoreKey, Task<(result: ScoreResult, view: NationalView), Never>)
        case busy(Task<(result: ScoreResult, view: NationalView), Never>)
    }

    /// On the actor: the memo when the ledger and the closed windows are unchanged; else the
    /// scoring under way. One scoring runs at a time on a node: a request for the same country
    /// shares the one under way (its ledger a little older: in a live mesh it changes every
    /// second, and a scoring per change would never stop), one for another country waits for it;
    /// so neither the dashboard, the API, the attestation timer nor a stranger asking again and
    /// again makes a node hold more than one scoring's tallies.
    func scoringInput(country: String?) -> ScoringInput {
        let country = country ?? enrollment.record.country
        let parameters = ledger.scoringParameters
        let now = nowMs
        let key = ScoreKey(digest: ledger.digest, country: country, closedWindows: now / parameters.windowMs)
        if let scored, scored.key == key { return .memoised(scored.result, scored.view) }
        if let scoringTask {
            return scoringTask.key.country == country ? .running(scoringTask.key, scoringTask.task) : .busy(scoringTask.task)
        }
        let ledger = ledger
        let task = Task.detached {
            // The store is read a day at a time; the view kept is the last day's (the dashboard's).
            let scored = Scorer.scoreWithView(ledger.tallySource, country: country, parameters: parameters, nowMs: now,
                                              viewWindows: parameters.windowsPerDay) { ledger.support(in: $0) }
            // Scoring's working set (a day's tallies, every series' baselines) is freed now; give
            // its pages back so the node's resident memory does not stay at the peak.
            MemoryRelease.trim()
            return scored
        }
        scoringTask = (key, task)
        return .running(key, task)
    }

    /// Remembers a finished scoring of `key`.
    func remember(_ key: ScoreKey, _ scored: (result: ScoreResult, view: NationalView)) {
        if scoringTask?.key == key { scoringTask = nil }
        self.scored = (key, scored.result, scored.view)
    }

    /// Scores `country` (default: this node's) from the ledger. The scoring itself runs off the
    /// actor, so gossip and the API are not held up by it.
    nonisolated func scoring(country: String?) async -> (result: ScoreResult, view: NationalView) {
        while true {
            switch await scoringInput(country: country) {
            case .memoised(let result, let view):
                return (result, view)
            case .running(let key, let task):
                let scored = await task.value
                await remember(key, scored)
                return scored
            case .busy(let task):
                _ = await task.value
                await finished(task)
            }
        }
    }

    /// Forgets a finished scoring that no waiter remembered (another country's).
    func finished(_ task: Task<(result: ScoreResult, view: NationalView), Never>) {
        if scoringTask?.task == task { scoringTask = nil }
    }

    /// `GET /v1/verdicts?country=CC`: the same JSON as `vantage score`.
    public nonisolated func verdicts(country: String?) async -> ScoreResult { await scoring(country: country).result }

    /// `GET /v1/view?country=CC`.
    public nonisolated func view(country: String?) async -> ViewResult {
        let (result, view) = await scoring(country: country)
        return ViewResult(country: result.country, policy: result.policy, cells: view.cells)
    }

    /// `GET /v1/reports/ID`: the self-contained report of a current verdict, or nil if there is none.
    /// The raw batches its summaries name that this node lacks are fetched from archivers first.
    public nonisolated func report(verdictID: String, country: String?) async -> Report? {
        guard let verdict = await verdicts(country: country).verdicts.first(where: { $0.id == verdictID }) else { return nil }
        let fetched = await fetchEvidence(Report.rawToFetch(for: verdict, in: ledger))
        return await buildReport(verdict, fetched: fetched)
    }

    func buildReport(_ verdict: Verdict, fetched: [Verified<Batch>]) -> Report {
        Report.build(verdict: verdict, ledger: ledger, fetched: fetched, meshName: mesh.name, exportedBy: id, nowMs: nowMs)
    }

    /// Every attestation interval: rescore this node's country off the actor and, when the
    /// verdicts over closed windows and their evidence are those of the previous scoring (they
    /// held for an interval, whether or not the ledger changed meanwhile: in a large mesh it always
    /// does) and differ from the ones this node last attested, sign and spread a new attestation.
    /// The first interval starts at start, so a restart does not score at once.
    func attestIfDue() {
        let now = nowMs
        guard settings.attestIntervalMs > 0, !attesting else { return }
        guard lastAttestMs > 0 else { lastAttestMs = now; return }
        guard now - lastAttestMs >= settings.attestIntervalMs else { return }
        lastAttestMs = now
        attesting = true
        let scored = ledger
        Task {
            let (result, view) = await self.scoring(country: nil)
            if let alerts = self.alerts, let last = NationalView.lastCoveredWindow(view.cells, minASNs: result.policy.minASNs) {
                let api = (try? String(contentsOfFile: self.node.path + "/api.url", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
                await alerts.observe(result.verdicts, lastWindowStartMs: last * result.policy.windowMs, node: self.id.hex, apiURL: api, nowMs: Date().unixMilliseconds)
            }
            let evidence = VerdictEvidenceSet.digests(of: result.verdicts, in: scored)
            await self.setActiveVerdicts(result.verdicts)
            await self.attestIfStable(result, evidence: evidence)
        }
    }

    /// Attests `result` when the previous scoring gave the same verdicts and evidence. A node that
    /// rewrites a window's summary to keep the evidence moving can do so at most
    /// `DailyQuota.summaryBatchesPerWindow` times a window (its summary quota, SPEC §5.7): with
    /// the attestation interval (60 s) below half of a window's share (100 s at 600-s windows), two
    /// scorings in a row still see the same evidence, and honest nodes attest.
    func attestIfStable(_ result: ScoreResult, evidence: [String: Hash256]) {
        attesting = false
        defer { lastScored = (result.verdicts, evidence) }
        guard let lastScored, lastScored.verdicts == result.verdicts, lastScored.evidence == evidence else { return }
        attest(result, evidence: evidence)
    }

    /// Signs an attestation of `result` and its evidence into this node's summary log (SPEC
    /// §13.8), unless its latest one says the same.
    func attest(_ result: ScoreResult, evidence: [String: Hash256]) {
        guard !result.verdicts.isEmpty, cannotSign == nil, storeFailure == nil else { return }
        // From a summary log's first batch on its owner's raw batches no longer count (SPEC
        // §13c): a node that measured waits for its first window summary.
        guard ledger.head(of: id, tier: .summary).seq > 0 || ledger.head(of: id).seq == 0 else { return }
        let now = nowMs
        let windowMs = result.policy.windowMs
        let first = result.verdicts.compactMap { RFC3339.milliseconds($0.start) }.min() ?? 0
        // Created, like a replayed day's batches and summaries, at the time of what it attests:
        // when the window after the last verdict's end has closed (with the grace), never later
        // than now. A summary batch moves the ledger's retention clock (SPEC §5.5).
        let lastEnd = result.verdicts.compactMap { RFC3339.milliseconds($0.end) }.max() ?? now
        let createdMs = min(now, lastEnd + windowMs + ledger.summaryGraceMs)
        let record = Attestations.record(result: result, evidence: evidence, windowStartMs: first, windowEndMs: createdMs / windowMs * windowMs)
        let latest = ledger.latestAttestationBatch(of: id)?.record.attestations.last
        guard latest.map({ $0.verdictsDigest != record.verdictsDigest || $0.evidence != record.evidence }) ?? true else { return }
        let batch = ledger.nextSummaryBatch(of: id, createdMs: createdMs, summaries: [], attestations: [record])
        if signIntoSummaryLog(batch, what: "attestation", metadata: [:]) == .signed {
            logger.info("attested verdicts", metadata: ["verdicts": "\(result.verdicts.map(\.id))", "seq": "\(batch.seq)"])
        }
    }

    /// The dashboard page of `GET /`, for this node's country.
    public nonisolated func dashboard() async -> String {
        let (view, verdicts) = (await view(country: nil), await verdicts(country: nil))
        return Dashboard.page(.init(status: await status(), peers: await peers(), view: view, verdicts: verdicts, isps: await ispNames()))
    }

    /// ISP names by ASN, from the enrollments.
    func ispNames() -> [UInt32: String] {
        var isps: [UInt32: String] = [:]
        for enrollment in ledger.enrollments.values.sorted(by: { $0.id < $1.id }) where !enrollment.record.isp.isEmpty {
            isps[enrollment.record.asn] = enrollment.record.isp
        }
        return isps
    }
}
