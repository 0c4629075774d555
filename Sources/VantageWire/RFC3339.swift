import Foundation

/// RFC 3339 times as Unix milliseconds.
public enum RFC3339 {
    /// Parses `2024-01-20T13:05:00Z`, with optional fractional seconds, or with a numeric offset.
    /// The UTC form is parsed by hand: a formatter per line is too slow for a million lines, and
    /// Foundation's accepts impossible dates such as 2023-02-29.
    public static func milliseconds(_ text: String) -> Int64? {
        if text.hasSuffix("Z") || text.hasSuffix("z") { return utc(Array(text.utf8)) }
        let plain = ISO8601DateFormatter()
        if let date = plain.date(from: text) { return Int64((date.timeIntervalSince1970 * 1000).rounded()) }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text).map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff…]Z`, or nil for anything else.
    static func utc(_ b: [UInt8]) -> Int64? {
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"), b.last == UInt8(ascii: "Z") || b.last == UInt8(ascii: "z") else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
                value = value * 10 + Int64(b[i] - 0x30)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), day >= 1, day <= daysIn(month, of: year), hour < 24, minute < 60, second < 60 else { return nil }
        var millis: Int64 = 0
        if b.count > 20 {
            guard b[19] == UInt8(ascii: "."), b.count >= 22, b.count <= 30, let fraction = number(20..<(b.count - 1)) else { return nil }
            let digits = b.count - 21
            millis = digits >= 3 ? fraction / pow10(digits - 3) : fraction * pow10(3 - digits)
        } else if b.count != 20 {
            return nil
        }
        return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
    }

    static func daysIn(_ month: Int64, of year: Int64) -> Int64 {
        if month == 2 { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28 }
        return [4, 6, 9, 11].contains(month) ? 30 : 31
    }

    static func pow10(_ n: Int) -> Int64 { (0..<n).reduce(1) { acc, _ in acc * 10 } }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
