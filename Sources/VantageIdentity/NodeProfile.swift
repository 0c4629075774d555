import Foundation

/// Where a node measures from: the facts an enrollment vouches for.
public struct NodeProfile: Sendable, Equatable {
    /// ISO 3166-1 alpha-2 country code, upper case.
    public var country: String
    /// Autonomous system number of the node's ISP.
    public var asn: UInt32
    /// The ISP's name, for people. No address: no record says where a volunteer is (SPEC §5.1).
    public var isp: String

    /// A profile; call `check()` before trusting user input.
    public init(country: String, asn: UInt32, isp: String = "") {
        self.country = country
        self.asn = asn
        self.isp = isp
    }

    /// The problems with this profile, each naming the field; empty when it is usable.
    public func problems() -> [String] {
        var problems: [String] = []
        if let reason = Self.countryProblem(country) { problems.append("--country: \(reason)") }
        if asn == 0 { problems.append("--asn: 0 is not an autonomous system number") }
        if isp.utf8.count > 200 { problems.append("--isp: longer than 200 bytes") }
        return problems
    }

    /// Why `code` is not an upper-case ISO 3166-1 alpha-2 code, or nil.
    public static func countryProblem(_ code: String) -> String? {
        let letters = Array(code.unicodeScalars)
        guard letters.count == 2, letters.allSatisfy({ ("A"..."Z").contains($0) }) else {
            return "'\(code)' is not a two-letter upper-case ISO 3166 country code such as PK"
        }
        return nil
    }

    /// Why `text` is not "host:port" with a port in 1...65535 (or 0, "any free port", when
    /// allowed), or nil.
    public static func hostPortProblem(_ text: String, allowingPortZero: Bool = false) -> String? {
        guard splitHostPort(text, allowingPortZero: allowingPortZero) != nil else {
            return "'\(text)' is not HOST:PORT with a port from \(allowingPortZero ? 0 : 1) to 65535"
        }
        return nil
    }

    /// The host (without IPv6 brackets) and port of "host:port", or nil.
    public static func splitHostPort(_ text: String, allowingPortZero: Bool = false) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), colon > text.startIndex,
              let port = Int(text[text.index(after: colon)...]), ((allowingPortZero ? 0 : 1)...65535).contains(port) else {
            return nil
        }
        return (String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }
}
