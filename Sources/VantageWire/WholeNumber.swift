import Foundation

/// A JSON number where an integer is expected: any JSON number (decimals, exponents) rounded to
/// the nearest integer, refused with the reason when it is not finite or does not fit `Value`.
struct WholeNumber<Value: FixedWidthInteger & Decodable>: Decodable {
    let value: Value

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let exact = try? container.decode(Value.self) {
            value = exact
            return
        }
        let number: Double
        do {
            number = try container.decode(Double.self)
        } catch {
            throw DecodingError.typeMismatch(Value.self, .init(codingPath: decoder.codingPath, debugDescription: "not a number"))
        }
        let rounded = number.rounded()
        guard rounded.isFinite, rounded >= Double(Value.min), rounded <= Double(Value.max), let converted = Value(exactly: rounded) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "\(number) is out of range (\(Value.min) to \(Value.max))"))
        }
        value = converted
    }
}
