import BallastAPI
import Foundation

/// The apimachinery types with their own JSON forms: Quantity, IntOrString, Time and
/// MicroTime, Duration and FieldsV1. Each reads its small message and returns the JSON
/// value the Go type marshals to.
enum ProtobufWellKnown {
    /// resource.Quantity: `string = 1`.
    static func quantity(_ bytes: ArraySlice<UInt8>, site: ProtobufTranscoder.Site) throws(ProtobufError) -> String {
        var text = ""
        var reader = ProtobufReader(bytes)
        while let wire = try reader.next() {
            guard wire.number == 1 else { throw ProtobufError.unknownField(message: "Quantity", field: wire.number) }
            text = try site.text(try site.payload(wire.value))
        }
        return text
    }

    /// intstr.IntOrString: `type = 1` (0 int, 1 string), `intVal = 2`, `strVal = 3`.
    static func intOrString(_ bytes: ArraySlice<UInt8>, site: ProtobufTranscoder.Site) throws(ProtobufError) -> JSONValue {
        var type: UInt64 = 0
        var intValue: Int64 = 0
        var stringValue = ""
        var reader = ProtobufReader(bytes)
        while let wire = try reader.next() {
            switch wire.number {
            case 1: type = try site.varint(wire.value)
            case 2:
                intValue = Int64(bitPattern: try site.varint(wire.value))
                guard intValue >= Int64(Int32.min), intValue <= Int64(Int32.max) else {
                    throw ProtobufError.outOfRange(message: "IntOrString", field: 2)
                }
            case 3: stringValue = try site.text(try site.payload(wire.value))
            default: throw ProtobufError.unknownField(message: "IntOrString", field: wire.number)
            }
        }
        return type == 1 ? .string(stringValue) : .int(intValue)
    }

    /// The range metav1.Time accepts: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    static let earliestSeconds: Int64 = -62_135_596_800
    static let latestSeconds: Int64 = 253_402_300_799

    /// metav1.Time / MicroTime: Timestamp `seconds = 1`, `nanos = 2`, as RFC 3339 in UTC
    /// with `fractionalDigits` of the second; nil for the zero time (JSON null).
    static func time(_ bytes: ArraySlice<UInt8>, fractionalDigits: Int, site: ProtobufTranscoder.Site) throws(ProtobufError) -> String? {
        var seconds: Int64 = 0
        var nanos: Int64 = 0
        var reader = ProtobufReader(bytes)
        while let wire = try reader.next() {
            switch wire.number {
            case 1: seconds = Int64(bitPattern: try site.varint(wire.value))
            case 2: nanos = Int64(bitPattern: try site.varint(wire.value))
            default: throw ProtobufError.unknownField(message: "Timestamp", field: wire.number)
            }
        }
        if seconds == 0 && nanos == 0 { return nil }
        guard seconds >= earliestSeconds, seconds <= latestSeconds, nanos >= 0, nanos <= 999_999_999 else {
            throw ProtobufError.outOfRange(message: site.message, field: site.field)
        }
        let whole = RFC3339.format(Date(timeIntervalSince1970: TimeInterval(seconds)), fractionalDigits: 0)
        guard fractionalDigits > 0 else { return whole }
        // Digits from the integer nanoseconds, so no floating-point rounding creeps in.
        var divisor: Int64 = 1
        for _ in fractionalDigits..<9 { divisor *= 10 }
        let fraction = String(nanos / divisor)
        let padded = String(repeating: "0", count: max(0, fractionalDigits - fraction.count)) + fraction
        return String(whole.dropLast()) + "." + padded + "Z"
    }

    /// metav1.Duration: `duration = 1`, in nanoseconds.
    static func duration(_ bytes: ArraySlice<UInt8>, site: ProtobufTranscoder.Site) throws(ProtobufError) -> Int64 {
        var nanoseconds: Int64 = 0
        var reader = ProtobufReader(bytes)
        while let wire = try reader.next() {
            guard wire.number == 1 else { throw ProtobufError.unknownField(message: "Duration", field: wire.number) }
            nanoseconds = Int64(bitPattern: try site.varint(wire.value))
        }
        return nanoseconds
    }

    /// Go's time.Duration.String(): "1h2m3.5s", "250ms", "1.5µs", "0s".
    static func goDuration(_ nanoseconds: Int64) -> String {
        if nanoseconds == 0 { return "0s" }
        let negative = nanoseconds < 0
        let magnitude = nanoseconds.magnitude
        var text: String
        if magnitude < 1_000 {
            text = "\(magnitude)ns"
        } else if magnitude < 1_000_000 {
            text = decimal(magnitude, unit: 1_000) + "µs"
        } else if magnitude < 1_000_000_000 {
            text = decimal(magnitude, unit: 1_000_000) + "ms"
        } else {
            let hours = magnitude / 3_600_000_000_000
            let minutes = magnitude / 60_000_000_000 % 60
            let seconds = decimal(magnitude % 60_000_000_000, unit: 1_000_000_000) + "s"
            text = hours > 0 ? "\(hours)h\(minutes)m\(seconds)" : minutes > 0 ? "\(minutes)m\(seconds)" : seconds
        }
        if negative { text = "-" + text }
        return text
    }

    /// `value / unit` with the remainder as decimals, trailing zeros trimmed.
    private static func decimal(_ value: UInt64, unit: UInt64) -> String {
        let whole = value / unit
        let rest = value % unit
        guard rest > 0 else { return String(whole) }
        let width = String(unit).count - 1
        var digits = String(rest)
        digits = String(repeating: "0", count: max(0, width - digits.count)) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    /// metav1.FieldsV1: `Raw = 1`, a JSON document kept as is.
    static func fieldsV1(_ bytes: ArraySlice<UInt8>, site: ProtobufTranscoder.Site) throws(ProtobufError) -> JSONValue {
        var raw: ArraySlice<UInt8> = []
        var reader = ProtobufReader(bytes)
        while let wire = try reader.next() {
            guard wire.number == 1 else { throw ProtobufError.unknownField(message: "FieldsV1", field: wire.number) }
            raw = try site.payload(wire.value)
        }
        if raw.isEmpty { return .object([:]) }
        do {
            return try JSONValue.parse(Array(raw))
        } catch {
            throw ProtobufError.invalidEmbeddedJSON(message: site.message, field: site.field)
        }
    }
}
