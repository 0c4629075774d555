/// RFC 3339 times as Unix milliseconds.
public enum RFC3339 {
    /// Parses `2024-01-20T13:05:00Z`, with optional fractional seconds, or with a numeric offset
    /// (`2024-01-20T18:05:00+05:00`). Parsed by hand, never by ICU: a formatter per line is too slow
    /// for a million lines, Foundation's accepts impossible dates such as 2023-02-29, and ICU's
    /// parser crashed (a division by zero) on a line the fuzzer found.
    public static func milliseconds(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard let last = b.last else { return nil }
        if last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") { return local(b.dropLast()) }
        guard b.count >= 25, b[b.count - 3] == UInt8(ascii: ":"),
              let hours = number(b, b.count - 5..<b.count - 3), let minutes = number(b, b.count - 2..<b.count),
              hours < 24, minutes < 60, let time = local(b.dropLast(6)) else { return nil }
        let offset = (hours * 60 + minutes) * 60_000
        switch b[b.count - 6] {
        case UInt8(ascii: "+"): return time - offset
        case UInt8(ascii: "-"): return time + offset
        default: return nil
        }
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff…]` as if it were UTC, or nil for anything else.
    static func local(_ slice: ArraySlice<UInt8>) -> Int64? {
        let b = Array(slice)
        guard b.count >= 19, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":") else { return nil }
        guard let year = number(b, 0..<4), let month = number(b, 5..<7), let day = number(b, 8..<10),
              let hour = number(b, 11..<13), let minute = number(b, 14..<16), let second = number(b, 17..<19),
              (1...12).contains(month), day >= 1, day <= daysIn(month, of: year), hour < 24, minute < 60, second < 60 else { return nil }
        var millis: Int64 = 0
        if b.count > 19 {
            guard b[19] == UInt8(ascii: "."), b.count >= 21, b.count <= 29, let fraction = number(b, 20..<b.count) else { return nil }
            let digits = b.count - 20
            millis = digits >= 3 ? fraction / pow10(digits - 3) : fraction * pow10(3 - digits)
        }
        return ((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis
    }

    /// The decimal digits of `b[range]`, or nil if any is not a digit.
    static func number(_ b: [UInt8], _ range: Range<Int>) -> Int64? {
        var value: Int64 = 0
        for i in range {
            guard b[i] >= 0x30 && b[i] <= 0x39 else { return nil }
            value = value * 10 + Int64(b[i] - 0x30)
        }
        return value
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
