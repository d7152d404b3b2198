/// intstr.IntOrString: a field that takes a number or a string ("25%", a port name).
public enum IntOrString: Codable, Sendable, Hashable, CustomStringConvertible {
    case int(Int)
    case string(String)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        }
    }

    public var description: String {
        switch self {
        case .int(let value): return String(value)
        case .string(let value): return value
        }
    }

    /// The value scaled against `total` ("25%" of 8 is 2, rounding up when asked), or the
    /// number itself; nil for a string that is neither a number nor a percentage.
    public func scaledValue(total: Int, roundUp: Bool) -> Int? {
        switch self {
        case .int(let value): return value
        case .string(let text):
            guard text.hasSuffix("%"), let percent = Int(text.dropLast()) else { return Int(text) }
            let exact = Double(total * percent) / 100
            return roundUp ? Int(exact.rounded(.up)) : Int(exact.rounded(.down))
        }
    }
}
