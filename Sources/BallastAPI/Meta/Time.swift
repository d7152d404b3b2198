public import Foundation

/// metav1.Time: an instant serialised as RFC 3339 in UTC with whole seconds
/// ("2026-11-23T07:58:05Z"), which is how every Kubernetes timestamp reads.
public struct Time: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var date: Date

    public init(_ date: Date) { self.date = date }

    /// Now, truncated to whole seconds as Kubernetes stores it.
    public static func now() -> Time { Time(Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))) }

    public static func < (lhs: Time, rhs: Time) -> Bool { lhs.date < rhs.date }

    public var description: String { RFC3339.format(date, fractionalDigits: 0) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid RFC 3339 time \"\(text)\""))
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// metav1.MicroTime: RFC 3339 with microseconds, used by Events' eventTime and Leases.
public struct MicroTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var date: Date

    public init(_ date: Date) { self.date = date }

    public static func now() -> MicroTime { MicroTime(Date()) }

    public static func < (lhs: MicroTime, rhs: MicroTime) -> Bool { lhs.date < rhs.date }

    public var description: String { RFC3339.format(date, fractionalDigits: 6) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = RFC3339.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid RFC 3339 time \"\(text)\""))
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// RFC 3339 formatting and parsing without Foundation's slow formatters.
public enum RFC3339 {
    public static func format(_ date: Date, fractionalDigits: Int) -> String {
        let interval = date.timeIntervalSince1970
        let seconds = Int64(interval.rounded(.down))
        let civil = Civil(secondsSinceEpoch: seconds)
        var text = String(format4(civil.year)) + "-" + pad2(civil.month) + "-" + pad2(civil.day)
        text += "T" + pad2(civil.hour) + ":" + pad2(civil.minute) + ":" + pad2(civil.second)
        if fractionalDigits > 0 {
            var fraction = interval - Double(seconds)
            var digits = ""
            for _ in 0..<fractionalDigits {
                fraction *= 10
                let digit = min(9, Int(fraction))
                digits.append(Character(Unicode.Scalar(UInt8(48 + digit))))
                fraction -= Double(digit)
            }
            text += "." + digits
        }
        return text + "Z"
    }

    /// Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)".
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard bytes[i] >= 48, bytes[i] <= 57 else { return nil }
                value = value * 10 + Int(bytes[i] - 48)
            }
            return value
        }
        guard let year = number(0..<4), bytes[4] == 45, let month = number(5..<7), bytes[7] == 45,
            let day = number(8..<10), bytes[10] == 84 || bytes[10] == 116 || bytes[10] == 32,
            let hour = number(11..<13), bytes[13] == 58, let minute = number(14..<16), bytes[16] == 58,
            let second = number(17..<19)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            if index == start { return nil }
        }
        guard index < bytes.count else { return nil }
        var offset = 0
        if bytes[index] == 90 || bytes[index] == 122 {
            index += 1
        } else if bytes[index] == 43 || bytes[index] == 45, index + 6 == bytes.count {
            let sign = bytes[index] == 43 ? 1 : -1
            guard let oh = number(index + 1..<index + 3), bytes[index + 3] == 58, let om = number(index + 4..<index + 6) else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            index += 6
        } else {
            return nil
        }
        guard index == bytes.count else { return nil }
        let days = Civil.daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func pad2(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static func format4(_ value: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, 4 - text.count)) + text
    }

    /// Calendar arithmetic after Howard Hinnant's days_from_civil / civil_from_days.
    struct Civil {
        var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int

        init(secondsSinceEpoch: Int64) {
            var days = Int(secondsSinceEpoch / 86400)
            var rest = Int(secondsSinceEpoch % 86400)
            if rest < 0 {
                rest += 86400
                days -= 1
            }
            hour = rest / 3600
            minute = (rest % 3600) / 60
            second = rest % 60
            let z = days + 719468
            let era = (z >= 0 ? z : z - 146096) / 146097
            let doe = z - era * 146097
            let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
            let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
            let mp = (5 * doy + 2) / 153
            day = doy - (153 * mp + 2) / 5 + 1
            month = mp < 10 ? mp + 3 : mp - 9
            year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        }

        static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
            let y = month <= 2 ? year - 1 : year
            let era = (y >= 0 ? y : y - 399) / 400
            let yoe = y - era * 400
            let mp = month > 2 ? month - 3 : month + 9
            let doy = (153 * mp + 2) / 5 + day - 1
            let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
            return era * 146097 + doe - 719468
        }
    }
}
