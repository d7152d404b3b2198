/// A tiny protobuf writer for building test inputs by hand: each helper returns the bytes
/// of one field (tag plus payload), so a message is the concatenation of its fields.
enum Wire {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value
        var out: [UInt8] = []
        while value >= 0x80 {
            out.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
        return out
    }

    static func tag(_ field: Int, _ wireType: Int) -> [UInt8] { varint(UInt64(field) << 3 | UInt64(wireType)) }

    static func int(_ field: Int, _ value: Int64) -> [UInt8] { tag(field, 0) + varint(UInt64(bitPattern: value)) }

    static func bool(_ field: Int, _ value: Bool) -> [UInt8] { int(field, value ? 1 : 0) }

    static func bytes(_ field: Int, _ payload: [UInt8]) -> [UInt8] { tag(field, 2) + varint(UInt64(payload.count)) + payload }

    static func string(_ field: Int, _ text: String) -> [UInt8] { bytes(field, Array(text.utf8)) }

    static func message(_ field: Int, _ fields: [UInt8]...) -> [UInt8] { bytes(field, fields.flatMap { $0 }) }

    static func entry(_ field: Int, _ key: String, _ value: String) -> [UInt8] { message(field, string(1, key), string(2, value)) }

    static func entry(_ field: Int, _ key: String, bytes value: [UInt8]) -> [UInt8] { message(field, string(1, key), bytes(2, value)) }

    /// `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}.
    static func envelope(apiVersion: String, kind: String, _ raw: [UInt8]) -> [UInt8] {
        [0x6B, 0x38, 0x73, 0x00] + message(1, string(1, apiVersion), string(2, kind)) + bytes(2, raw)
            + string(3, "") + string(4, "")
    }

    /// ObjectMeta as the Go marshaller writes it: every value field, even when empty.
    static func objectMeta(name: String, namespace: String = "", labels: [String: String] = [:]) -> [UInt8] {
        var fields = string(1, name) + string(2, "") + string(3, namespace) + string(4, "") + string(5, "") + string(6, "")
        fields += int(7, 0) + message(8, int(1, 0), int(2, 0))
        for (key, value) in labels.sorted(by: { $0.key < $1.key }) { fields += entry(11, key, value) }
        return fields
    }
}
