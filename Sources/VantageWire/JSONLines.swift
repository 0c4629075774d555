import Foundation

/// A reason a line cannot be used, thrown by a line converter.
struct LineProblem: Error { var reason: String }

/// The loop shared by the JSON Lines readers: splits lines, skips blank ones, enforces the line
/// limit, and turns every failure into a `LineError` with the line's number, losing no other line.
enum JSONLines {
    /// Calls `convert` on each non-blank line; `progress` hears the bytes read every 64 KiB or so.
    static func each<T>(_ data: Data, maxLineBytes: Int, progress: ((Int) -> Void)?,
                        _ convert: (Data, Int) throws -> T) -> (lines: [T], errors: [LineError]) {
        var lines: [T] = []
        var errors: [LineError] = []
        var number = 0
        var reported = 0
        var start = data.startIndex
        while start < data.endIndex {
            let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            number += 1
            var text = data[start..<newline]
            start = newline < data.endIndex ? newline + 1 : newline
            if let progress, start - reported >= 65_536 { progress(start - data.startIndex); reported = start }
            if text.last == UInt8(ascii: "\r") { text = text.dropLast() }
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            guard text.count <= maxLineBytes else {
                errors.append(LineError(line: number, reason: "line of \(text.count) bytes exceeds the limit of \(maxLineBytes)"))
                continue
            }
            do {
                lines.append(try convert(Data(text), number))
            } catch let error as LineProblem {
                errors.append(LineError(line: number, reason: error.reason))
            } catch let error as DecodingError {
                errors.append(LineError(line: number, reason: describe(error)))
            } catch {
                errors.append(LineError(line: number, reason: "\(error)"))
            }
        }
        progress?(data.count)
        return (lines, errors)
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): return "missing field '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            return "field '\(field)' has the wrong type"
        case .dataCorrupted: return "not a JSON object"
        @unknown default: return "not a measurement"
        }
    }
}
