/// One field of a Kubernetes protobuf message: the JSON name it carries and how its wire
/// value becomes JSON. Field numbers and types come from k8s.io/api and apimachinery
/// `generated.proto`; `pointer` records whether the Go field is a pointer, which decides
/// whether a zero value on the wire means "set to zero" (pointer) or "not set" (value
/// fields are always written by the Go marshaller, empty or not).
struct ProtobufField: Sendable {
    indirect enum Kind: Sendable {
        case string
        case int32
        case int64
        case bool
        /// Bytes, base64 in JSON.
        case bytes
        /// A nested message, by its name in the schema.
        case message(String)
        /// A message whose fields appear in the parent's JSON object (Go struct embedding,
        /// e.g. `LocalObjectReference` in `ConfigMapKeySelector`, `ProbeHandler` in `Probe`).
        case inline(String)
        /// `map<string, V>`: repeated entries with the key in field 1 and the value in field 2.
        case map(Kind)
        /// resource.Quantity: a message with the canonical string in field 1.
        case quantity
        /// intstr.IntOrString: type (1), intVal (2), strVal (3).
        case intOrString
        /// metav1.Time: Timestamp seconds (1) and nanos (2), RFC 3339 in JSON.
        case time
        /// metav1.MicroTime: like Time, with microseconds in JSON.
        case microTime
        /// metav1.Duration: nanoseconds in field 1, Go's duration string in JSON.
        case duration
        /// metav1.FieldsV1: raw JSON bytes in field 1.
        case fieldsV1
    }

    var json: String
    var kind: Kind
    var repeated: Bool
    var pointer: Bool

    static func string(_ json: String, pointer: Bool = false) -> ProtobufField {
        ProtobufField(json: json, kind: .string, repeated: false, pointer: pointer)
    }
    static func strings(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .string, repeated: true, pointer: true) }
    static func int32(_ json: String, pointer: Bool = false) -> ProtobufField {
        ProtobufField(json: json, kind: .int32, repeated: false, pointer: pointer)
    }
    static func int32s(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .int32, repeated: true, pointer: true) }
    static func int64(_ json: String, pointer: Bool = false) -> ProtobufField {
        ProtobufField(json: json, kind: .int64, repeated: false, pointer: pointer)
    }
    static func int64s(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .int64, repeated: true, pointer: true) }
    static func bool(_ json: String, pointer: Bool = false) -> ProtobufField {
        ProtobufField(json: json, kind: .bool, repeated: false, pointer: pointer)
    }
    static func bytes(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .bytes, repeated: false, pointer: false) }
    static func message(_ json: String, _ type: String, pointer: Bool = false) -> ProtobufField {
        ProtobufField(json: json, kind: .message(type), repeated: false, pointer: pointer)
    }
    static func messages(_ json: String, _ type: String) -> ProtobufField {
        ProtobufField(json: json, kind: .message(type), repeated: true, pointer: true)
    }
    static func inline(_ type: String) -> ProtobufField { ProtobufField(json: "", kind: .inline(type), repeated: false, pointer: false) }
    static func stringMap(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .map(.string), repeated: true, pointer: true) }
    static func bytesMap(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .map(.bytes), repeated: true, pointer: true) }
    static func quantityMap(_ json: String) -> ProtobufField {
        ProtobufField(json: json, kind: .map(.quantity), repeated: true, pointer: true)
    }
    static func quantity(_ json: String, pointer: Bool = false) -> ProtobufField {
        ProtobufField(json: json, kind: .quantity, repeated: false, pointer: pointer)
    }
    static func intOrString(_ json: String, pointer: Bool = false) -> ProtobufField {
        ProtobufField(json: json, kind: .intOrString, repeated: false, pointer: pointer)
    }
    static func time(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .time, repeated: false, pointer: false) }
    static func microTime(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .microTime, repeated: false, pointer: false) }
    static func duration(_ json: String, pointer: Bool = false) -> ProtobufField {
        ProtobufField(json: json, kind: .duration, repeated: false, pointer: pointer)
    }
    static func fieldsV1(_ json: String) -> ProtobufField { ProtobufField(json: json, kind: .fieldsV1, repeated: false, pointer: true) }
}

/// A message's table: field number to field. Built from key-value pairs so that a
/// repeated number is recorded (and caught by a test) instead of trapping at start-up.
struct ProtobufMessage: Sendable {
    let name: String
    let fields: [Int: ProtobufField]
    /// Field numbers listed more than once (the first wins); must be empty.
    let duplicateNumbers: [Int]

    init(_ name: String, _ pairs: KeyValuePairs<Int, ProtobufField>) {
        self.name = name
        var fields: [Int: ProtobufField] = [:]
        var duplicates: [Int] = []
        for (number, field) in pairs {
            if fields[number] == nil { fields[number] = field } else { duplicates.append(number) }
        }
        self.fields = fields
        duplicateNumbers = duplicates
    }
}

/// Every message the server can read from protobuf, by name, and the top-level kinds.
enum ProtobufSchema {
    static let all: [ProtobufMessage] = meta + core + workloads + apps + batch + policy

    static let messages: [String: ProtobufMessage] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

    /// The message of a top-level object, by the envelope's apiVersion and kind.
    /// DeleteOptions travels in every group's version, so any apiVersion is accepted for it.
    static func message(apiVersion: String, kind: String) -> ProtobufMessage? {
        if kind == "DeleteOptions" { return messages["DeleteOptions"] }
        guard let name = topLevel[apiVersion + "/" + kind] else { return nil }
        return messages[name]
    }

    static let topLevel: [String: String] = [
        "v1/Namespace": "Namespace",
        "v1/ConfigMap": "ConfigMap",
        "v1/Secret": "Secret",
        "v1/Service": "Service",
        "v1/Pod": "Pod",
        "apps/v1/Deployment": "Deployment",
        "apps/v1/ReplicaSet": "ReplicaSet",
        "batch/v1/Job": "Job",
        "batch/v1/CronJob": "CronJob",
        "policy/v1/Eviction": "Eviction",
        "policy/v1beta1/Eviction": "Eviction",
    ]
}
