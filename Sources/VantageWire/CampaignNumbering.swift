/// Measurements name a campaign's targets and inputs by number (protocol/SPEC.md §5.6): a batch
/// names the campaign it was numbered under, and each measurement carries `target_index` and
/// `input_index` (1-based) instead of the strings; a target or input outside that campaign (API
/// lines, OONI imports) keeps its name.
public struct CampaignNumbering: Sendable {
    /// The targets, in campaign order.
    public let targets: [Target]
    private let targetNumbers: [String: Int]
    private let inputNumbers: [[String: Int]]

    /// The numbering of `campaign`'s targets and inputs.
    public init(_ campaign: Campaign) {
        targets = campaign.targets
        targetNumbers = Dictionary(campaign.targets.enumerated().map { ($1.name, $0 + 1) }) { first, _ in first }
        inputNumbers = campaign.targets.map { target in
            Dictionary(target.inputs.enumerated().map { ($1, $0 + 1) }) { first, _ in first }
        }
    }

    /// `m` with its target, and then its input, replaced by their numbers where the campaign has them.
    public func numbered(_ m: Measurement) -> Measurement {
        guard m.targetIndex == 0, let t = targetNumbers[m.target] else { return m }
        var numbered = m
        numbered.targetIndex = UInt32(t)
        numbered.target = ""
        if m.inputIndex == 0, let i = inputNumbers[t - 1][m.input] {
            numbered.inputIndex = UInt32(i)
            numbered.input = ""
        }
        return numbered
    }

    /// `m` with names for its numbers; throws naming the number that the campaign does not have.
    public func named(_ m: Measurement) throws(NumberingError) -> Measurement {
        try Self.check(m)
        guard m.targetIndex > 0 else { return m }
        let target = try target(numbered: m.targetIndex)
        var named = m
        named.target = target.name
        named.targetIndex = 0
        if m.inputIndex > 0 {
            guard Int(m.inputIndex) <= target.inputs.count else {
                throw NumberingError("input_index \(m.inputIndex) is beyond the \(target.inputs.count) inputs of target \(target.name)")
            }
            named.input = target.inputs[Int(m.inputIndex) - 1]
            named.inputIndex = 0
        }
        return named
    }

    /// The target numbered `index` (1-based); throws when the campaign has no such number.
    func target(numbered index: UInt32) throws(NumberingError) -> Target {
        guard Int(index) <= targets.count else {
            throw NumberingError("target_index \(index) is beyond the campaign's \(targets.count) targets")
        }
        return targets[Int(index) - 1]
    }

    /// The rules a measurement keeps whatever the campaign: a number or a name, not both, and an
    /// input number only under a target number.
    public static func check(_ m: Measurement) throws(NumberingError) {
        if m.targetIndex > 0, !m.target.isEmpty { throw NumberingError("both target_index and target are set") }
        if m.inputIndex > 0, !m.input.isEmpty { throw NumberingError("both input_index and input are set") }
        if m.inputIndex > 0, m.targetIndex == 0 { throw NumberingError("input_index is set without target_index") }
    }

    /// A batch's measurements with names for their numbers, by the numbering of the campaign the
    /// batch names (nil when it names none: then no measurement may be numbered).
    public static func named(_ measurements: [Measurement], by numbering: CampaignNumbering?) throws(NumberingError) -> [Measurement] {
        try measurements.map { m throws(NumberingError) in
            guard let numbering else {
                try check(m)
                if m.targetIndex > 0 { throw NumberingError("a measurement is numbered, but its batch names no campaign") }
                return m
            }
            return try numbering.named(m)
        }
    }
}

extension CampaignNumbering {
    /// `summary` with each target the campaign has replaced by its number: the numbered targets
    /// first, by number, then the others by name (SPEC §5.6, §13c).
    public func numbered(_ summary: WindowSummaryRecord) -> WindowSummaryRecord {
        var numbered = summary
        numbered.targets = summary.targets.map { target in
            guard target.targetIndex == 0, let t = targetNumbers[target.target] else { return target }
            var copy = target
            copy.targetIndex = UInt32(t)
            copy.target = ""
            return copy
        }.sorted { $0.signedOrder < $1.signedOrder }
        return numbered
    }

    /// The summaries of a batch with names for their targets' numbers, each summary's targets
    /// sorted by name, by the numbering of the campaign the batch names (nil when it names none:
    /// then no target may be numbered); throws naming a number the campaign lacks or a target
    /// counted twice.
    public static func named(_ summaries: [WindowSummaryRecord], by numbering: CampaignNumbering?) throws(NumberingError) -> [WindowSummaryRecord] {
        try summaries.map { summary throws(NumberingError) in
            var named = summary
            named.targets = try summary.targets.map { target throws(NumberingError) in
                guard target.targetIndex > 0 else { return target }
                guard let numbering else { throw NumberingError("a summary's target is numbered, but its batch names no campaign") }
                var copy = target
                copy.target = try numbering.target(numbered: target.targetIndex).name
                copy.targetIndex = 0
                return copy
            }.sorted { $0.target < $1.target }
            if let twice = zip(named.targets, named.targets.dropFirst()).first(where: { $0.target == $1.target }) {
                throw NumberingError("target \(LogText.bounded(twice.0.target)) is summarised twice in one window")
            }
            return named
        }
    }
}

extension TargetSummaryRecord {
    /// Where a target sorts in a signed summary: numbered ones by number, then named ones by name.
    public var signedOrder: (UInt32, String) { (targetIndex == 0 ? .max : targetIndex, target) }
}

/// A measurement's numbers do not fit its campaign.
public struct NumberingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
