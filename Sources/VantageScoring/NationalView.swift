/// The national view: per window, target and ASN, the state and counts (DESIGN.md, Scoring, step 3).
/// One vote per ASN: an ASN is anomalous when more than half of its conclusive vantage points are.
public struct NationalView: Sendable {
    /// One ASN's state for one target in one window.
    public struct Cell: Sendable, Equatable, Codable {
        public var window: Int64
        public var target: String
        public var asn: UInt32
        public var control: Bool
        public var state: PointState
        public var throttled: Bool
        public var vantagePoints: Int
        public var anomalousPoints: Int
        public var measurements: Int

        enum CodingKeys: String, CodingKey {
            case window, target, asn, control, state, throttled, measurements
            case vantagePoints = "vantage_points", anomalousPoints = "anomalous_points"
        }
    }

    /// Every cell, sorted by window, target, control, ASN.
    public let cells: [Cell]
    /// The parameters used.
    public let parameters: ScoringParameters

    /// Builds the view of `country` from observations; vantage points elsewhere become controls.
    public init(_ observations: [Observation], country: String, parameters: ScoringParameters) {
        self.parameters = parameters
        var where_: [String: (asn: UInt32, control: Bool)] = [:]
        for o in observations where where_[o.vantage] == nil {
            where_[o.vantage] = (o.asn, o.country != country)
        }
        struct GroupKey: Hashable { var window: Int64; var target: String; var asn: UInt32; var control: Bool }
        var groups: [GroupKey: [PointJudgment]] = [:]
        for (key, windows) in PointJudge.judge(observations, parameters) {
            guard let place = where_[key.vantage] else { continue }
            for (window, judgment) in windows {
                groups[GroupKey(window: window, target: key.target, asn: place.asn, control: place.control), default: []].append(judgment)
            }
        }
        cells = groups.map { key, points in
            let anomalous = points.filter { $0.state == .anomalous }
            let conclusive = points.filter { $0.state != .inconclusive }.count
            let state: PointState = conclusive == 0 ? .inconclusive : (anomalous.count * 2 > conclusive ? .anomalous : .ok)
            return Cell(window: key.window, target: key.target, asn: key.asn, control: key.control, state: state,
                        throttled: state == .anomalous && anomalous.filter(\.throttled).count * 2 > anomalous.count,
                        vantagePoints: points.count, anomalousPoints: anomalous.count,
                        measurements: points.reduce(0) { $0 + $1.measurements })
        }.sorted { ($0.window, $0.target, $0.control ? 1 : 0, $0.asn) < ($1.window, $1.target, $1.control ? 1 : 0, $1.asn) }
    }
}
