import VantageGossip

/// One simulation run: its size, seed, scenario and timing (all virtual).
public struct SimulationSettings: Sendable {
    /// Number of nodes.
    public var nodes: Int
    /// The seed of the run's single generator.
    public var seed: UInt64
    /// The fault schedule family.
    public var scenario: Scenario
    /// Gossip settings of every node (default interval 1 s, fanout 2).
    public var gossip = GossipSettings()
    /// Links per node in the connection graph (a ring plus random chords; default 8).
    public var links = 8
    /// Length of the fault phase, in virtual ms (default 20 s).
    public var faultMs: Int64 = 20_000
    /// After the fault phase, every node must hold the same digest within this bound (default 120 s).
    public var healBoundMs: Int64 = 120_000
    /// New batches signed per virtual second during the fault phase, over all nodes (default 2).
    public var batchesPerSecond = 2.0
    /// Measurements per signed batch (default 1). Above 1, the mesh runs `CampaignRound`'s
    /// campaign and each batch holds rounds of it, numbered by the campaign.
    public var measurementsPerBatch = 1
    /// When true, each new batch is a summary batch: one window summary of `CampaignRound`'s
    /// campaign (two rounds of it), signed into the node's summary log — the traffic of the summary
    /// tier alone, which is what an ordinary node receives under the two tiers (SPEC §5.8).
    public var summaryTier = false
    /// Archivers (SPEC §7.4): the first `archivers` nodes, named by the campaign; every other node
    /// is linked to one of them. Above 0 each new batch is a campaign round (as with
    /// `measurementsPerBatch`), and every second one is followed by the summary of both.
    public var archivers = 0
    /// One-way latency: a base plus uniform jitter, in ms (defaults 5 and 45).
    public var latencyMs: Int64 = 5
    public var jitterMs: Int64 = 45

    /// A run of `nodes` nodes with `seed` under `scenario`.
    public init(nodes: Int, seed: UInt64, scenario: Scenario) {
        precondition(nodes >= 2, "a mesh needs at least two nodes")
        self.nodes = nodes
        self.seed = seed
        self.scenario = scenario
    }

    /// The command that reproduces this run.
    public var reproduce: String { "vantage simulate --nodes \(nodes) --seed \(seed) --scenario \(scenario.rawValue)" }
}
