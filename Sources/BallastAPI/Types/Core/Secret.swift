/// core/v1 Secret: sensitive values (passwords, keys, tokens) for pods and controllers.
public struct Secret: KubernetesObject {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "Secret")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// Values, base64-encoded on the wire and here.
    public var data: [String: String]?
    /// Write-only plain-text values; the server merges them into `data` (winning over it)
    /// and never stores or returns them.
    public var stringData: [String: String]?
    /// Opaque when unset.
    public var type: String?
    /// Once true, data can no longer change (nor this flag).
    public var immutable: Bool?

    public init(metadata: ObjectMeta = ObjectMeta(), data: [String: String]? = nil, stringData: [String: String]? = nil,
                type: String? = nil, immutable: Bool? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.data = data
        self.stringData = stringData
        self.type = type
        self.immutable = immutable
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, data, stringData, type, immutable
    }

    /// Refuses data that is not base64, as Kubernetes does while decoding.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        data = try SecretBase64.decodeMap(container, forKey: .data)
        stringData = try container.decodeIfPresent([String: String].self, forKey: .stringData)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        immutable = try container.decodeIfPresent(Bool.self, forKey: .immutable)
    }

    /// The decoded bytes of `data[key]`, or nil when absent or not base64.
    public func value(_ key: String) -> [UInt8]? {
        guard let text = data?[key] else { return nil }
        return try? SecretBase64.decode(text)
    }

    /// The UTF-8 text of `data[key]`, or nil when absent, not base64 or not UTF-8.
    public func string(_ key: String) -> String? {
        value(key).flatMap { String(validating: $0, as: UTF8.self) }
    }

    /// Sets `data[key]` to the base64 encoding of `bytes`.
    public mutating func setValue(_ key: String, _ bytes: some Sequence<UInt8>) {
        var data = self.data ?? [:]
        data[key] = SecretBase64.encode(bytes)
        self.data = data
    }

    /// The type of a Secret, "Opaque" when unset.
    public var effectiveType: String { type ?? SecretType.opaque }
}

/// The Secret types Kubernetes knows, and the keys they require.
public enum SecretType {
    /// Arbitrary data (the default).
    public static let opaque = "Opaque"
    /// A service account token; needs the service-account.name annotation.
    public static let serviceAccountToken = "kubernetes.io/service-account-token"
    /// A legacy ~/.dockercfg in data[.dockercfg].
    public static let dockercfg = "kubernetes.io/dockercfg"
    /// A ~/.docker/config.json in data[.dockerconfigjson].
    public static let dockerConfigJSON = "kubernetes.io/dockerconfigjson"
    /// data[username] and/or data[password].
    public static let basicAuth = "kubernetes.io/basic-auth"
    /// data[ssh-privatekey].
    public static let sshAuth = "kubernetes.io/ssh-auth"
    /// data[tls.crt] and data[tls.key].
    public static let tls = "kubernetes.io/tls"
    /// A bootstrap token.
    public static let bootstrapToken = "bootstrap.kubernetes.io/token"
}
