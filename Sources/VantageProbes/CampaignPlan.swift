import VantageWire

/// One probe a round runs: a kind on one input of one target.
public struct ProbeJob: Sendable, Hashable {
    public var target: String
    public var input: String
    public var kind: ProbeKind
}

/// What a campaign asks of a node each round: every probe kind on every input of every target.
public struct CampaignPlan: Sendable {
    /// The campaign's version, to notice a newer one.
    public let version: UInt64
    /// Time between rounds, in ms.
    public let intervalMs: Int64
    /// The probes of one round, in the campaign's order.
    public let jobs: [ProbeJob]
    /// Block-page fingerprints (name, text).
    public let fingerprints: [(name: String, text: String)]

    /// The plan of a campaign.
    public init(_ campaign: Campaign) {
        version = campaign.version
        intervalMs = Int64(max(1, campaign.intervalSeconds)) * 1000
        jobs = campaign.targets.flatMap { target in
            target.inputs.flatMap { input in campaign.probes.map { ProbeJob(target: target.name, input: input, kind: $0) } }
        }
        fingerprints = campaign.fingerprints.map { ($0.name, $0.bodyContains) }
    }

    /// Delay before the next round: the interval ± 10 %, drawn from `rng`, so nodes drift out of step.
    public func nextDelayMs<R: RandomNumberGenerator>(using rng: inout R) -> Int64 {
        let spread = max(1, intervalMs / 10)
        return intervalMs - spread + Int64.random(in: 0...(2 * spread), using: &rng)
    }

    /// Delay before the first round: up to a tenth of the interval (at most 10 s).
    public func firstDelayMs<R: RandomNumberGenerator>(using rng: inout R) -> Int64 {
        Int64.random(in: 0...min(10_000, max(1, intervalMs / 10)), using: &rng)
    }
}

/// Runs a plan's jobs with at most `settings.concurrency` probes in flight.
public struct ProbeRunner: Sendable {
    public let settings: ProbeSettings

    /// A runner with `settings`.
    public init(settings: ProbeSettings) {
        self.settings = settings
    }

    /// One round: every job once; results in job order.
    public func round(_ plan: CampaignPlan) async -> [ProbeResult] {
        var settings = self.settings
        settings.fingerprints += plan.fingerprints
        let prober = Prober(settings: settings)
        return await withTaskGroup(of: (Int, ProbeResult).self) { group in
            var results = [ProbeResult?](repeating: nil, count: plan.jobs.count)
            var next = 0
            func start() {
                let index = next, job = plan.jobs[index]
                next += 1
                group.addTask { (index, await prober.run(job.kind, target: job.target, input: job.input)) }
            }
            while next < min(max(1, settings.concurrency), plan.jobs.count) { start() }
            while let (index, result) = await group.next() {
                results[index] = result
                if next < plan.jobs.count { start() }
            }
            return results.compactMap { $0 }
        }
    }
}
