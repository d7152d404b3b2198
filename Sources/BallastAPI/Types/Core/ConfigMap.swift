/// core/v1 ConfigMap: configuration as keys and values, for pods to read.
public struct ConfigMap: KubernetesObject {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "ConfigMap")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var data: [String: String]?
    /// Binary values, base64-encoded on the wire and here.
    public var binaryData: [String: String]?
    /// Once true, data and binaryData can no longer change (nor this flag).
    public var immutable: Bool?

    public init(metadata: ObjectMeta = ObjectMeta(), data: [String: String]? = nil, binaryData: [String: String]? = nil,
                immutable: Bool? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.data = data
        self.binaryData = binaryData
        self.immutable = immutable
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, data, binaryData, immutable
    }

    /// Refuses binaryData that is not base64, as Kubernetes does while decoding.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        data = try container.decodeIfPresent([String: String].self, forKey: .data)
        binaryData = try SecretBase64.decodeMap(container, forKey: .binaryData)
        immutable = try container.decodeIfPresent(Bool.self, forKey: .immutable)
    }

    /// The most a ConfigMap or Secret may hold: 1 MiB.
    public static let maxSize = 1024 * 1024
}

extension ConfigMap {
    static let keyMessage = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' "
        + "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

    /// validation.IsConfigMapKey: what is wrong with `key` as a key of a ConfigMap or Secret
    /// (keys become file names), in Kubernetes' words; empty when it is fine.
    public static func keyProblems(_ key: String) -> [String] {
        var problems: [String] = []
        let bytes = Array(key.utf8)
        if bytes.count > 253 { problems.append("must be no more than 253 characters") }
        let allowed = !bytes.isEmpty && bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F
        }
        if !allowed { problems.append(keyMessage) }
        if key == "." {
            problems.append("must not be '.'")
        } else if key == ".." {
            problems.append("must not be '..'")
        } else if key.hasPrefix("..") {
            problems.append("must not start with '..'")
        }
        return problems
    }
}
