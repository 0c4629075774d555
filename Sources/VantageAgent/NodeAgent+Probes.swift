import Foundation
import VantageProbes
import VantageWire

/// The node's own measurements: the newest campaign in the ledger, run round after round with
/// jitter; each round's results are signed into batches and gossiped like any other.
extension NodeAgent {
    /// The plan of the newest campaign in the ledger, if there is one.
    func campaignPlan() -> CampaignPlan? {
        ledger.campaign.map { CampaignPlan($0.record) }
    }

    /// Signs one round's results; returns the number of batches signed.
    func record(_ results: [ProbeResult]) -> Int {
        if let reason = cannotSign {
            logger.warning("probe round not signed", metadata: ["measurements": "\(results.count)", "reason": "\(reason)"])
            return 0
        }
        for result in results { metrics.probed(target: result.target, kind: result.probe, outcome: result.outcome) }
        let failed = results.filter { $0.outcome != "ok" }
        logger.info("probe round", metadata: ["measurements": "\(results.count)", "not_ok": "\(failed.count)"])
        return submit(results.map(\.measurement)).batches
    }

    /// Runs until cancelled: waits for a campaign, then probes every interval ± 10 %.
    nonisolated func probeLoop(_ runner: ProbeRunner) async {
        var rng = SystemRandomNumberGenerator()
        var waitMs: Int64? = nil
        while !Task.isCancelled {
            guard let plan = await campaignPlan() else {
                try? await Task.sleep(for: .seconds(2))
                continue
            }
            let delay = waitMs ?? plan.firstDelayMs(using: &rng)
            try? await Task.sleep(for: .milliseconds(delay))
            if Task.isCancelled { return }
            let started = ContinuousClock.now
            let results = await runner.round(plan)
            _ = await record(results)
            let spent = Int64((ContinuousClock.now - started) / .milliseconds(1))
            waitMs = max(0, plan.nextDelayMs(using: &rng) - spent)
        }
    }
}
