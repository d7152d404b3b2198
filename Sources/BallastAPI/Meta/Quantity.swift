/// resource.Quantity: a fixed-point number with a unit suffix ("20G", "30Gi", "500m", "1e3").
///
/// The value is exact: `mantissa × 10^exponent`, with nano (10⁻⁹) as the finest unit; finer
/// values round up, as Kubernetes does. The canonical string keeps the format the quantity was
/// written in (binary, decimal SI or exponent) and the largest suffix that keeps the number
/// whole, so "1000M" prints as "1G" and "1.5Gi" as "1536Mi".
public struct Quantity: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public enum Format: Sendable, Hashable {
        case binarySI, decimalSI, decimalExponent
    }

    /// The value is `mantissa × 10^exponent`, kept normalised (no trailing zero digits).
    public private(set) var mantissa: Int64
    public private(set) var exponent: Int
    public private(set) var format: Format

    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var text: String
        public var description: String {
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        }
    }

    public init(mantissa: Int64, exponent: Int = 0, format: Format = .decimalSI) {
        self.mantissa = mantissa
        self.exponent = exponent
        self.format = format
        normalise()
    }

    /// An integer quantity, e.g. a byte count.
    public init(_ value: Int64, format: Format = .binarySI) {
        self.init(mantissa: value, exponent: 0, format: format)
    }

    public init(parsing text: String) throws(ParseError) {
        guard let parsed = Quantity.parse(text) else { throw ParseError(text: text) }
        self = parsed
    }

    /// The value rounded up to a whole number (bytes for storage, units for counts).
    public var value: Int64 {
        if exponent >= 0 {
            var result = mantissa
            for _ in 0..<exponent {
                let (next, overflow) = result.multipliedReportingOverflow(by: 10)
                if overflow { return mantissa < 0 ? Int64.min : Int64.max }
                result = next
            }
            return result
        }
        var divisor: Int64 = 1
        for _ in 0..<(-exponent) { divisor *= 10 }
        let quotient = mantissa / divisor
        return mantissa % divisor > 0 ? quotient + 1 : quotient
    }

    /// The value in thousandths, rounded up (cpu millicores).
    public var milliValue: Int64 {
        Quantity(mantissa: mantissa, exponent: exponent + 3).value
    }

    public var isZero: Bool { mantissa == 0 }

    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { compare(lhs, rhs) < 0 }

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { compare(lhs, rhs) == 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(mantissa)
        hasher.combine(exponent)
    }

    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity {
        let e = min(lhs.exponent, rhs.exponent)
        return Quantity(mantissa: lhs.scaled(to: e) &+ rhs.scaled(to: e), exponent: e, format: lhs.format)
    }

    public static func - (lhs: Quantity, rhs: Quantity) -> Quantity {
        let e = min(lhs.exponent, rhs.exponent)
        return Quantity(mantissa: lhs.scaled(to: e) &- rhs.scaled(to: e), exponent: e, format: lhs.format)
    }

    private static func compare(_ a: Quantity, _ b: Quantity) -> Int {
        if a.mantissa.signum() != b.mantissa.signum() { return a.mantissa.signum() < b.mantissa.signum() ? -1 : 1 }
        let e = min(a.exponent, b.exponent)
        let (x, y) = (a.scaledChecked(to: e), b.scaledChecked(to: e))
        switch (x, y) {
        case let (x?, y?): return x < y ? -1 : (x > y ? 1 : 0)
        case (nil, .some): return a.mantissa > 0 ? 1 : -1
        case (.some, nil): return b.mantissa > 0 ? -1 : 1
        case (nil, nil): return a.exponent < b.exponent ? -1 : 1
        }
    }

    private func scaled(to e: Int) -> Int64 { scaledChecked(to: e) ?? (mantissa < 0 ? Int64.min : Int64.max) }

    private func scaledChecked(to e: Int) -> Int64? {
        var result = mantissa
        for _ in 0..<max(0, exponent - e) {
            let (next, overflow) = result.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            result = next
        }
        return result
    }

    private mutating func normalise() {
        if mantissa == 0 {
            exponent = 0
            return
        }
        while mantissa % 10 == 0 {
            mantissa /= 10
            exponent += 1
        }
        // Finer than nano rounds up to the next nano, away from zero as Kubernetes does.
        while exponent < -9 {
            let rem = mantissa % 10
            mantissa /= 10
            if rem != 0 { mantissa += mantissa >= 0 && rem > 0 ? 1 : (rem < 0 ? -1 : 0) }
            exponent += 1
            if mantissa == 0 { break }
        }
        if mantissa == 0 { exponent = 0 }
    }
}

extension Quantity {
    private static let decimalSuffixes: [(String, Int)] = [
        ("n", -9), ("u", -6), ("m", -3), ("", 0), ("k", 3), ("M", 6), ("G", 9), ("T", 12), ("P", 15), ("E", 18),
    ]
    private static let binarySuffixes: [(String, Int)] = [
        ("Ki", 10), ("Mi", 20), ("Gi", 30), ("Ti", 40), ("Pi", 50), ("Ei", 60),
    ]

    static func parse(_ text: String) -> Quantity? {
        let chars = Array(text.utf8)
        guard !chars.isEmpty else { return nil }
        var index = 0
        var negative = false
        if chars[index] == UInt8(ascii: "+") || chars[index] == UInt8(ascii: "-") {
            negative = chars[index] == UInt8(ascii: "-")
            index += 1
        }
        var digits: [UInt8] = []
        var fractionDigits = 0
        var seenDot = false
        var seenDigit = false
        while index < chars.count {
            let c = chars[index]
            if c >= 48, c <= 57 {
                digits.append(c - 48)
                if seenDot { fractionDigits += 1 }
                seenDigit = true
            } else if c == UInt8(ascii: "."), !seenDot {
                seenDot = true
            } else {
                break
            }
            index += 1
        }
        guard seenDigit else { return nil }
        let suffix = String(decoding: chars[index...], as: UTF8.self)
        var format: Format
        var exponent = -fractionDigits
        var binaryPower = 0
        if let match = decimalSuffixes.first(where: { $0.0 == suffix }) {
            format = .decimalSI
            exponent += match.1
        } else if let match = binarySuffixes.first(where: { $0.0 == suffix }) {
            format = .binarySI
            binaryPower = match.1
        } else if let first = suffix.first, first == "e" || first == "E" {
            guard let e = Int(suffix.dropFirst()), abs(e) < 100 else { return nil }
            format = .decimalExponent
            exponent += e
        } else {
            return nil
        }
        // Drop leading zeros, then build the mantissa (at most 18 significant digits).
        while digits.count > 1, digits.first == 0 { digits.removeFirst() }
        while digits.count > 18 {
            // Precision beyond Int64 is dropped from the end, rounding up.
            let last = digits.removeLast()
            exponent += 1
            if last != 0 { digits[digits.count - 1] += 1 }
        }
        var mantissa: Int64 = 0
        for digit in digits { mantissa = mantissa * 10 + Int64(digit) }
        if negative { mantissa = -mantissa }
        var quantity = Quantity(mantissa: mantissa, exponent: exponent, format: format)
        if binaryPower > 0 {
            var multiplier: Int64 = 1
            for _ in 0..<(binaryPower / 10) { multiplier *= 1024 }
            let (product, overflow) = quantity.mantissa.multipliedReportingOverflow(by: multiplier)
            guard !overflow else { return nil }
            quantity = Quantity(mantissa: product, exponent: quantity.exponent, format: .binarySI)
        }
        return quantity
    }

    /// The canonical text, as Kubernetes prints it.
    public var description: String {
        if mantissa == 0 { return "0" }
        var format = self.format
        if format == .binarySI {
            // Small or fractional binary values print in decimal, as Kubernetes does.
            if exponent < 0 || (value > -1024 && value < 1024) { format = .decimalSI }
        }
        switch format {
        case .binarySI:
            let whole = value
            var power = 0
            var rest = whole
            while power < 60, rest % 1024 == 0, rest != 0 {
                rest /= 1024
                power += 10
            }
            guard let suffix = Quantity.binarySuffixes.first(where: { $0.1 == power })?.0 else { return "\(whole)" }
            return "\(rest)\(suffix)"
        case .decimalSI, .decimalExponent:
            // Pick the largest exponent, a multiple of 3, not above the value's own.
            var e = exponent
            var m = mantissa
            let target = Int((Double(e) / 3).rounded(.down)) * 3
            while e > target {
                m *= 10
                e -= 1
            }
            if format == .decimalExponent {
                return e == 0 ? "\(m)" : "\(m)e\(e)"
            }
            if e > 18 {
                while e > 18 {
                    m *= 10
                    e -= 1
                }
            }
            let suffix = Quantity.decimalSuffixes.first(where: { $0.1 == e })?.0 ?? ""
            return "\(m)\(suffix)"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            guard let parsed = Quantity.parse(text.trimmingSpaces()) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: ParseError(text: text).description))
            }
            self = parsed
        } else if let integer = try? container.decode(Int64.self) {
            self = Quantity(mantissa: integer, exponent: 0, format: .decimalSI)
        } else {
            let number = try container.decode(Double.self)
            guard let parsed = Quantity.parse(String(number)) else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid quantity \(number)"))
            }
            self = parsed
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}
