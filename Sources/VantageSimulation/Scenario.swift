/// A fault schedule family. Every scenario has a fault phase, then a heal phase in which all
/// nodes must converge within the bound.
public enum Scenario: String, CaseIterable, Sendable, Codable {
    /// No faults: the baseline for propagation figures.
    case calm
    /// Latency jitter (so reordering), 10 % loss and 5 % duplication for the whole fault phase.
    case lossy
    /// Two halves cut from each other.
    case halves
    /// A fifth of the nodes cut from the rest.
    case minority
    /// One node cut from everyone.
    case isolate
    /// Each node reaches only its two ring neighbours: news travels hop by hop.
    case ring
    /// Two halves that reach each other only through one bridge node.
    case bridge
    /// Half A hears half B but B does not hear A.
    case oneWay = "one-way"
    /// A third of the nodes crash at random times and restart from their durable state.
    case crashes
    /// Clocks skewed by up to ±5 minutes, with loss.
    case skew
    /// Everything at once: loss, duplication, a partition that moves, crashes and skew.
    case chaos
}

/// Who can send to whom during a partition.
enum Cut: Sendable {
    /// Nodes in `groupOf` different groups cannot talk; `bridge` talks to everyone.
    case groups([Int], bridge: Int?)
    /// Node i reaches only i ± 1 (mod n).
    case ring(Int)
    /// Messages from group 1 to group 0 are dropped; 0 → 1 still arrive.
    case oneWay([Int])

    func allows(from: Int, to: Int) -> Bool {
        switch self {
        case .groups(let groupOf, let bridge):
            return from == bridge || to == bridge || groupOf[from] == groupOf[to]
        case .ring(let n):
            let d = (from - to + n) % n
            return d == 1 || d == n - 1
        case .oneWay(let groupOf):
            return !(groupOf[from] == 1 && groupOf[to] == 0)
        }
    }
}

/// The concrete faults of one run, drawn from the scenario and the seed.
struct FaultPlan: Sendable {
    var cuts: [(startMs: Int64, endMs: Int64, cut: Cut)] = []
    var crashes: [(node: Int, atMs: Int64, restartMs: Int64)] = []
    var lossUntilMs: Int64 = 0
    var loss = 0.0
    var duplication = 0.0
    var skewMs: [Int64]

    init(nodes: Int) { skewMs = Array(repeating: 0, count: nodes) }

    /// Draws the faults of `scenario` for `nodes` nodes within `faultMs`.
    static func draw<G: RandomNumberGenerator>(_ scenario: Scenario, nodes n: Int, faultMs: Int64, using rng: inout G) -> FaultPlan {
        var plan = FaultPlan(nodes: n)
        let shuffled = Array(0..<n).shuffled(using: &rng)
        func groups(_ inFirst: Int) -> [Int] {
            var groupOf = Array(repeating: 1, count: n)
            for node in shuffled.prefix(inFirst) { groupOf[node] = 0 }
            return groupOf
        }
        let start = Int64.random(in: 0...(faultMs / 5), using: &rng)
        switch scenario {
        case .calm: break
        case .lossy:
            (plan.loss, plan.duplication, plan.lossUntilMs) = (0.10, 0.05, faultMs)
        case .halves: plan.cuts = [(start, faultMs, .groups(groups(n / 2), bridge: nil))]
        case .minority: plan.cuts = [(start, faultMs, .groups(groups(max(1, n / 5)), bridge: nil))]
        case .isolate: plan.cuts = [(start, faultMs, .groups(groups(1), bridge: nil))]
        case .ring: plan.cuts = [(start, faultMs, .ring(n))]
        case .bridge: plan.cuts = [(start, faultMs, .groups(groups(n / 2), bridge: shuffled[n - 1]))]
        case .oneWay: plan.cuts = [(start, faultMs, .oneWay(groups(n / 2)))]
        case .crashes: plan.crashes = crashSchedule(n, faultMs: faultMs, using: &rng)
        case .skew:
            plan.skewMs = (0..<n).map { _ in Int64.random(in: -300_000...300_000, using: &rng) }
            (plan.loss, plan.lossUntilMs) = (0.05, faultMs)
        case .chaos:
            (plan.loss, plan.duplication, plan.lossUntilMs) = (0.05, 0.05, faultMs)
            let middle = faultMs / 2
            plan.cuts = [(start, middle, .groups(groups(n / 2), bridge: nil)),
                         (middle, faultMs, .groups(groups(max(1, n / 3)), bridge: nil))]
            plan.crashes = crashSchedule(n, faultMs: faultMs, using: &rng)
            plan.skewMs = (0..<n).map { _ in Int64.random(in: -120_000...120_000, using: &rng) }
        }
        return plan
    }

    private static func crashSchedule<G: RandomNumberGenerator>(_ n: Int, faultMs: Int64, using rng: inout G) -> [(node: Int, atMs: Int64, restartMs: Int64)] {
        Array(0..<n).shuffled(using: &rng).prefix(max(1, n / 3)).map { node in
            let at = Int64.random(in: 0...(faultMs * 3 / 4), using: &rng)
            return (node, at, min(faultMs, at + Int64.random(in: 1_000...(faultMs / 2), using: &rng)))
        }
    }

    /// True when a message from `from` to `to` is not cut at `nowMs`.
    func allows(from: Int, to: Int, nowMs: Int64) -> Bool {
        cuts.allSatisfy { nowMs < $0.startMs || nowMs >= $0.endMs || $0.cut.allows(from: from, to: to) }
    }
}
