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
        data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard let base = buffer.baseAddress else { return }
            let bytes = base.assumingMemoryBound(to: UInt8.self)
            let count = buffer.count
            var number = 0
            var start = 0
            var reported = 0
            while start < count {
                let newline = memchr(bytes + start, 0x0A, count - start).map { UnsafeRawPointer($0) - base } ?? count
                number += 1
                var end = newline
                let lineStart = start
                start = newline + 1
                if let progress, start - reported >= 65_536 { progress(min(start, count)); reported = start }
                if end > lineStart && bytes[end - 1] == 0x0D { end -= 1 }
                if !(lineStart..<end).contains(where: { bytes[$0] != 0x20 && bytes[$0] != 0x09 }) { continue }
                guard end - lineStart <= maxLineBytes else {
                    errors.append(LineError(line: number, reason: "line of \(end - lineStart) bytes exceeds the limit of \(maxLineBytes)",
                                            label: "line_too_long"))
                    continue
                }
                do {
                    lines.append(try convert(Data(bytes: bytes + lineStart, count: end - lineStart), number))
                } catch let error as LineProblem {
                    errors.append(LineError(line: number, reason: error.reason))
                } catch let error as DecodingError {
                    errors.append(LineError(line: number, reason: describe(error)))
                } catch {
                    errors.append(LineError(line: number, reason: "\(error)"))
                }
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
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            return "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)"
        case .dataCorrupted: return "not a JSON object"
        @unknown default: return "not a measurement"
        }
    }
}
