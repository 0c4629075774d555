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
        guard Int(m.targetIndex) <= targets.count else {
            throw NumberingError("target_index \(m.targetIndex) is beyond the campaign's \(targets.count) targets")
        }
        let target = targets[Int(m.targetIndex) - 1]
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

/// A measurement's numbers do not fit its campaign.
public struct NumberingError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
