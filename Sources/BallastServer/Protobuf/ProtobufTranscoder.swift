import BallastAPI
import Foundation

/// Turns a Kubernetes protobuf message into the JSON object the same Go struct would
/// marshal to, following the message's table in `ProtobufSchema`. Value fields that hold
/// their zero value are left out (the Go marshaller writes every value field, set or not);
/// pointer fields are kept whatever they hold. A field number missing from the table is
/// an error that names the message and number, never silently dropped.
enum ProtobufTranscoder {
    /// Deeper than any Kubernetes object nests (a CronJob's container probe is about 12).
    static let maxDepth = 64

    /// The message in `bytes` as a JSON object.
    static func object(_ bytes: ArraySlice<UInt8>, as message: ProtobufMessage, depth: Int = 0) throws(ProtobufError) -> [String: JSONValue] {
        guard depth <= maxDepth else { throw ProtobufError.tooDeep }
        var out: [String: JSONValue] = [:]
        var lists: [String: [JSONValue]] = [:]
        var maps: [String: [String: JSONValue]] = [:]
        var reader = ProtobufReader(bytes)
        while let wire = try reader.next() {
            guard let field = message.fields[wire.number] else {
                throw ProtobufError.unknownField(message: message.name, field: wire.number)
            }
            let site = Site(message: message.name, field: wire.number)
            switch field.kind {
            case .inline(let type):
                let payload = try site.payload(wire.value)
                for (key, value) in try object(payload, as: try lookup(type), depth: depth + 1) { out[key] = value }
            case .map(let valueKind):
                let (key, value) = try entry(try site.payload(wire.value), valueKind: valueKind, site: site, depth: depth + 1)
                maps[field.json, default: [:]][key] = value
            default:
                if field.repeated {
                    lists[field.json, default: []].append(contentsOf: try elements(wire.value, kind: field.kind, site: site, depth: depth))
                } else if let value = try single(wire.value, kind: field.kind, keepZero: field.pointer, site: site, depth: depth) {
                    out[field.json] = value
                } else {
                    out.removeValue(forKey: field.json)
                }
            }
        }
        for (name, items) in lists { out[name] = .array(items) }
        for (name, members) in maps { out[name] = .object(members) }
        return out
    }

    /// The message named `type` in the schema; a missing name is a hole in the tables.
    static func lookup(_ type: String) throws(ProtobufError) -> ProtobufMessage {
        guard let message = ProtobufSchema.messages[type] else { throw ProtobufError.unknownKind(apiVersion: "", kind: type) }
        return message
    }

    /// Where a value came from, for error messages.
    struct Site {
        var message: String
        var field: Int

        func payload(_ value: ProtobufReader.Value) throws(ProtobufError) -> ArraySlice<UInt8> {
            guard case .bytes(let payload) = value else { throw wrongWireType(value) }
            return payload
        }

        func varint(_ value: ProtobufReader.Value) throws(ProtobufError) -> UInt64 {
            guard case .varint(let number) = value else { throw wrongWireType(value) }
            return number
        }

        func wrongWireType(_ value: ProtobufReader.Value) -> ProtobufError {
            ProtobufError.wrongWireType(message: message, field: field, wireType: value.wireType)
        }

        func text(_ bytes: ArraySlice<UInt8>) throws(ProtobufError) -> String {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw ProtobufError.invalidUTF8(message: message, field: field) }
            return text
        }
    }

    /// The elements one occurrence of a repeated field contributes: one value, or several
    /// when numbers arrive packed in a length-delimited run.
    private static func elements(_ value: ProtobufReader.Value, kind: ProtobufField.Kind, site: Site,
                                 depth: Int) throws(ProtobufError) -> [JSONValue] {
        switch (kind, value) {
        case (.int32, .bytes(let packed)), (.int64, .bytes(let packed)), (.bool, .bytes(let packed)):
            var reader = ProtobufReader(packed)
            var items: [JSONValue] = []
            while !reader.isAtEnd {
                let number = try reader.readVarint(context: "packed field \(site.field) of \(site.message)")
                if let item = try single(.varint(number), kind: kind, keepZero: true, site: site, depth: depth) { items.append(item) }
            }
            return items
        default:
            guard let item = try single(value, kind: kind, keepZero: true, site: site, depth: depth) else { return [] }
            return [item]
        }
    }

    /// One map entry: key in field 1, value in field 2 (either may be absent: empty).
    private static func entry(_ bytes: ArraySlice<UInt8>, valueKind: ProtobufField.Kind, site: Site,
                              depth: Int) throws(ProtobufError) -> (String, JSONValue) {
        guard depth <= maxDepth else { throw ProtobufError.tooDeep }
        var key = ""
        var value: JSONValue?
        var reader = ProtobufReader(bytes)
        while let wire = try reader.next() {
            switch wire.number {
            case 1: key = try site.text(try site.payload(wire.value))
            case 2: value = try single(wire.value, kind: valueKind, keepZero: true, site: site, depth: depth)
            default: throw ProtobufError.unknownField(message: site.message + " map entry", field: wire.number)
            }
        }
        if let value { return (key, value) }
        switch valueKind {
        case .bytes, .string, .quantity: return (key, .string(""))
        default: return (key, .null)
        }
    }

    /// A single value, or nil when a value field holds its zero value (and so is unset).
    private static func single(_ value: ProtobufReader.Value, kind: ProtobufField.Kind, keepZero: Bool, site: Site,
                               depth: Int) throws(ProtobufError) -> JSONValue? {
        switch kind {
        case .string:
            let text = try site.text(try site.payload(value))
            return text.isEmpty && !keepZero ? nil : .string(text)
        case .bytes:
            let bytes = try site.payload(value)
            return bytes.isEmpty && !keepZero ? nil : .string(Data(bytes).base64EncodedString())
        case .int32:
            let raw = try site.varint(value)
            // Negative int32 values arrive sign-extended to 64 bits.
            let number = Int64(bitPattern: raw)
            guard number >= Int64(Int32.min), number <= Int64(Int32.max) else {
                throw ProtobufError.outOfRange(message: site.message, field: site.field)
            }
            return number == 0 && !keepZero ? nil : .int(number)
        case .int64:
            let number = Int64(bitPattern: try site.varint(value))
            return number == 0 && !keepZero ? nil : .int(number)
        case .bool:
            let flag = try site.varint(value) != 0
            return !flag && !keepZero ? nil : .bool(flag)
        case .message(let type):
            let members = try object(try site.payload(value), as: try lookup(type), depth: depth + 1)
            return members.isEmpty && !keepZero ? nil : .object(members)
        case .inline, .map:
            // Handled by the caller: these never stand alone.
            throw site.wrongWireType(value)
        case .quantity:
            let text = try ProtobufWellKnown.quantity(try site.payload(value), site: site)
            return text.isEmpty ? nil : .string(text)
        case .intOrString:
            let parsed = try ProtobufWellKnown.intOrString(try site.payload(value), site: site)
            if case .int(0) = parsed, !keepZero { return nil }
            return parsed
        case .time:
            return try ProtobufWellKnown.time(try site.payload(value), fractionalDigits: 0, site: site).map(JSONValue.string)
        case .microTime:
            return try ProtobufWellKnown.time(try site.payload(value), fractionalDigits: 6, site: site).map(JSONValue.string)
        case .duration:
            let nanoseconds = try ProtobufWellKnown.duration(try site.payload(value), site: site)
            return nanoseconds == 0 && !keepZero ? nil : .string(ProtobufWellKnown.goDuration(nanoseconds))
        case .fieldsV1:
            return try ProtobufWellKnown.fieldsV1(try site.payload(value), site: site)
        }
    }
}
