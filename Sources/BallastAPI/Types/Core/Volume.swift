/// core/v1 Volume: a named volume of a Pod. On the wire the source's one field sits beside
/// `name` ({"name": "data", "emptyDir": {}}).
public struct Volume: Codable, Sendable, Equatable {
    public var name: String
    public var source: VolumeSource

    public init(name: String, source: VolumeSource = VolumeSource()) {
        self.name = name
        self.source = source
    }

    private enum CodingKeys: String, CodingKey { case name }

    public init(from decoder: any Decoder) throws {
        name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
        source = try VolumeSource(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var keyed = encoder.container(keyedBy: CodingKeys.self)
        try keyed.encode(name, forKey: .name)
        try source.encode(to: encoder)
    }
}

/// core/v1 VolumeSource: exactly one kind of volume.
///
/// The kinds Ballast knows are typed. Any other source field (the deprecated in-tree
/// cloud drivers, iscsi, cephfs ...) is kept verbatim in `otherSources`, so the object
/// round-trips and still counts as having a source; nothing on a node can mount those.
public struct VolumeSource: Codable, Sendable, Equatable {
    public var hostPath: HostPathVolumeSource?
    public var emptyDir: EmptyDirVolumeSource?
    public var gitRepo: GitRepoVolumeSource?
    public var secret: SecretVolumeSource?
    public var nfs: NFSVolumeSource?
    public var persistentVolumeClaim: PersistentVolumeClaimVolumeSource?
    public var downwardAPI: DownwardAPIVolumeSource?
    public var configMap: ConfigMapVolumeSource?
    public var projected: ProjectedVolumeSource?
    public var csi: CSIVolumeSource?
    public var ephemeral: EphemeralVolumeSource?
    public var image: ImageVolumeSource?
    /// Source fields Ballast does not model, by JSON name.
    public var otherSources: [String: JSONValue]?

    public init(
        hostPath: HostPathVolumeSource? = nil, emptyDir: EmptyDirVolumeSource? = nil, gitRepo: GitRepoVolumeSource? = nil,
        secret: SecretVolumeSource? = nil, nfs: NFSVolumeSource? = nil,
        persistentVolumeClaim: PersistentVolumeClaimVolumeSource? = nil, downwardAPI: DownwardAPIVolumeSource? = nil,
        configMap: ConfigMapVolumeSource? = nil, projected: ProjectedVolumeSource? = nil, csi: CSIVolumeSource? = nil,
        ephemeral: EphemeralVolumeSource? = nil, image: ImageVolumeSource? = nil, otherSources: [String: JSONValue]? = nil
    ) {
        self.hostPath = hostPath
        self.emptyDir = emptyDir
        self.gitRepo = gitRepo
        self.secret = secret
        self.nfs = nfs
        self.persistentVolumeClaim = persistentVolumeClaim
        self.downwardAPI = downwardAPI
        self.configMap = configMap
        self.projected = projected
        self.csi = csi
        self.ephemeral = ephemeral
        self.image = image
        self.otherSources = otherSources
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case hostPath, emptyDir, gitRepo, secret, nfs, persistentVolumeClaim, downwardAPI, configMap, projected, csi,
            ephemeral, image
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hostPath = try c.decodeIfPresent(HostPathVolumeSource.self, forKey: .hostPath)
        emptyDir = try c.decodeIfPresent(EmptyDirVolumeSource.self, forKey: .emptyDir)
        gitRepo = try c.decodeIfPresent(GitRepoVolumeSource.self, forKey: .gitRepo)
        secret = try c.decodeIfPresent(SecretVolumeSource.self, forKey: .secret)
        nfs = try c.decodeIfPresent(NFSVolumeSource.self, forKey: .nfs)
        persistentVolumeClaim = try c.decodeIfPresent(PersistentVolumeClaimVolumeSource.self, forKey: .persistentVolumeClaim)
        downwardAPI = try c.decodeIfPresent(DownwardAPIVolumeSource.self, forKey: .downwardAPI)
        configMap = try c.decodeIfPresent(ConfigMapVolumeSource.self, forKey: .configMap)
        projected = try c.decodeIfPresent(ProjectedVolumeSource.self, forKey: .projected)
        csi = try c.decodeIfPresent(CSIVolumeSource.self, forKey: .csi)
        ephemeral = try c.decodeIfPresent(EphemeralVolumeSource.self, forKey: .ephemeral)
        image = try c.decodeIfPresent(ImageVolumeSource.self, forKey: .image)
        let known = Set(CodingKeys.allCases.map(\.stringValue) + ["name"])
        let all = try decoder.container(keyedBy: AnyKey.self)
        var others: [String: JSONValue] = [:]
        for key in all.allKeys where !known.contains(key.stringValue) {
            let value = try all.decode(JSONValue.self, forKey: key)
            if !value.isNull { others[key.stringValue] = value }
        }
        otherSources = others.isEmpty ? nil : others
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(hostPath, forKey: .hostPath)
        try c.encodeIfPresent(emptyDir, forKey: .emptyDir)
        try c.encodeIfPresent(gitRepo, forKey: .gitRepo)
        try c.encodeIfPresent(secret, forKey: .secret)
        try c.encodeIfPresent(nfs, forKey: .nfs)
        try c.encodeIfPresent(persistentVolumeClaim, forKey: .persistentVolumeClaim)
        try c.encodeIfPresent(downwardAPI, forKey: .downwardAPI)
        try c.encodeIfPresent(configMap, forKey: .configMap)
        try c.encodeIfPresent(projected, forKey: .projected)
        try c.encodeIfPresent(csi, forKey: .csi)
        try c.encodeIfPresent(ephemeral, forKey: .ephemeral)
        try c.encodeIfPresent(image, forKey: .image)
        if let otherSources {
            var all = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in otherSources { try all.encode(value, forKey: AnyKey(stringValue: key)) }
        }
    }

    /// The JSON names of the sources that are set, in the order validation reports them.
    public var setSourceNames: [String] {
        var names: [String] = []
        if emptyDir != nil { names.append("emptyDir") }
        if hostPath != nil { names.append("hostPath") }
        if gitRepo != nil { names.append("gitRepo") }
        if secret != nil { names.append("secret") }
        if nfs != nil { names.append("nfs") }
        if persistentVolumeClaim != nil { names.append("persistentVolumeClaim") }
        if downwardAPI != nil { names.append("downwardAPI") }
        if configMap != nil { names.append("configMap") }
        if projected != nil { names.append("projected") }
        if csi != nil { names.append("csi") }
        if ephemeral != nil { names.append("ephemeral") }
        if image != nil { names.append("image") }
        names += (otherSources ?? [:]).keys.sorted()
        return names
    }

    /// Whether the volume is backed by a claim (a PVC or a generic ephemeral volume).
    public var isClaimBacked: Bool { persistentVolumeClaim != nil || ephemeral != nil }
}

/// core/v1 EmptyDirVolumeSource: scratch space that lives as long as the Pod.
public struct EmptyDirVolumeSource: Codable, Sendable, Equatable {
    /// "" (the node's disk) or "Memory" (tmpfs).
    public var medium: String?
    public var sizeLimit: Quantity?

    public init(medium: String? = nil, sizeLimit: Quantity? = nil) {
        self.medium = medium
        self.sizeLimit = sizeLimit
    }
}

/// core/v1 GitRepoVolumeSource: a directory filled by cloning a repository (deprecated upstream).
public struct GitRepoVolumeSource: Codable, Sendable, Equatable {
    public var repository: String
    public var revision: String?
    public var directory: String?

    public init(repository: String, revision: String? = nil, directory: String? = nil) {
        self.repository = repository
        self.revision = revision
        self.directory = directory
    }
}

/// core/v1 SecretVolumeSource: a Secret's keys as files.
public struct SecretVolumeSource: Codable, Sendable, Equatable {
    public var secretName: String?
    public var items: [KeyToPath]?
    public var defaultMode: Int32?
    public var optional: Bool?

    public init(secretName: String? = nil, items: [KeyToPath]? = nil, defaultMode: Int32? = nil, optional: Bool? = nil) {
        self.secretName = secretName
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

/// core/v1 ConfigMapVolumeSource: a ConfigMap's keys as files.
public struct ConfigMapVolumeSource: Codable, Sendable, Equatable {
    public var name: String?
    public var items: [KeyToPath]?
    public var defaultMode: Int32?
    public var optional: Bool?

    public init(name: String? = nil, items: [KeyToPath]? = nil, defaultMode: Int32? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.defaultMode = defaultMode
        self.optional = optional
    }
}

/// core/v1 KeyToPath: which key lands at which relative path, with which mode.
public struct KeyToPath: Codable, Sendable, Equatable {
    public var key: String
    public var path: String
    public var mode: Int32?

    public init(key: String, path: String, mode: Int32? = nil) {
        self.key = key
        self.path = path
        self.mode = mode
    }
}

/// core/v1 PersistentVolumeClaimVolumeSource: a claim in the Pod's namespace.
public struct PersistentVolumeClaimVolumeSource: Codable, Sendable, Equatable {
    public var claimName: String
    public var readOnly: Bool?

    public init(claimName: String, readOnly: Bool? = nil) {
        self.claimName = claimName
        self.readOnly = readOnly
    }
}

/// core/v1 DownwardAPIVolumeSource: Pod fields as files.
public struct DownwardAPIVolumeSource: Codable, Sendable, Equatable {
    public var items: [DownwardAPIVolumeFile]?
    public var defaultMode: Int32?

    public init(items: [DownwardAPIVolumeFile]? = nil, defaultMode: Int32? = nil) {
        self.items = items
        self.defaultMode = defaultMode
    }
}

/// core/v1 DownwardAPIVolumeFile: one file, from a field or a resource.
public struct DownwardAPIVolumeFile: Codable, Sendable, Equatable {
    public var path: String
    public var fieldRef: ObjectFieldSelector?
    public var resourceFieldRef: ResourceFieldSelector?
    public var mode: Int32?

    public init(path: String, fieldRef: ObjectFieldSelector? = nil, resourceFieldRef: ResourceFieldSelector? = nil, mode: Int32? = nil) {
        self.path = path
        self.fieldRef = fieldRef
        self.resourceFieldRef = resourceFieldRef
        self.mode = mode
    }
}

/// core/v1 ProjectedVolumeSource: several sources merged into one directory.
public struct ProjectedVolumeSource: Codable, Sendable, Equatable {
    public var sources: [VolumeProjection]?
    public var defaultMode: Int32?

    public init(sources: [VolumeProjection]? = nil, defaultMode: Int32? = nil) {
        self.sources = sources
        self.defaultMode = defaultMode
    }
}

/// core/v1 VolumeProjection: exactly one projected source.
public struct VolumeProjection: Codable, Sendable, Equatable {
    public var secret: SecretProjection?
    public var configMap: ConfigMapProjection?
    public var downwardAPI: DownwardAPIProjection?
    public var serviceAccountToken: ServiceAccountTokenProjection?
    public var clusterTrustBundle: JSONValue?

    public init(secret: SecretProjection? = nil, configMap: ConfigMapProjection? = nil, downwardAPI: DownwardAPIProjection? = nil,
                serviceAccountToken: ServiceAccountTokenProjection? = nil, clusterTrustBundle: JSONValue? = nil) {
        self.secret = secret
        self.configMap = configMap
        self.downwardAPI = downwardAPI
        self.serviceAccountToken = serviceAccountToken
        self.clusterTrustBundle = clusterTrustBundle
    }
}

/// core/v1 SecretProjection.
public struct SecretProjection: Codable, Sendable, Equatable {
    public var name: String?
    public var items: [KeyToPath]?
    public var optional: Bool?

    public init(name: String? = nil, items: [KeyToPath]? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.optional = optional
    }
}

/// core/v1 ConfigMapProjection.
public struct ConfigMapProjection: Codable, Sendable, Equatable {
    public var name: String?
    public var items: [KeyToPath]?
    public var optional: Bool?

    public init(name: String? = nil, items: [KeyToPath]? = nil, optional: Bool? = nil) {
        self.name = name
        self.items = items
        self.optional = optional
    }
}

/// core/v1 DownwardAPIProjection.
public struct DownwardAPIProjection: Codable, Sendable, Equatable {
    public var items: [DownwardAPIVolumeFile]?

    public init(items: [DownwardAPIVolumeFile]? = nil) { self.items = items }
}

/// core/v1 ServiceAccountTokenProjection: a bound service account token, refreshed.
public struct ServiceAccountTokenProjection: Codable, Sendable, Equatable {
    public var audience: String?
    public var expirationSeconds: Int64?
    public var path: String

    public init(audience: String? = nil, expirationSeconds: Int64? = nil, path: String) {
        self.audience = audience
        self.expirationSeconds = expirationSeconds
        self.path = path
    }
}

/// core/v1 EphemeralVolumeSource: a claim created with the Pod and deleted with it.
public struct EphemeralVolumeSource: Codable, Sendable, Equatable {
    public var volumeClaimTemplate: PersistentVolumeClaimTemplate?

    public init(volumeClaimTemplate: PersistentVolumeClaimTemplate? = nil) {
        self.volumeClaimTemplate = volumeClaimTemplate
    }
}

/// core/v1 PersistentVolumeClaimTemplate: the metadata and spec of a claim to create.
///
/// `spec` is a PersistentVolumeClaimSpec kept as JSON here, so the Pod model does not depend
/// on the storage types; whoever provisions the claim decodes it with APICodec.
public struct PersistentVolumeClaimTemplate: Codable, Sendable, Equatable {
    public var metadata: ObjectMeta?
    public var spec: JSONValue?

    public init(metadata: ObjectMeta? = nil, spec: JSONValue? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

/// core/v1 ImageVolumeSource: an OCI image or artifact mounted read-only.
public struct ImageVolumeSource: Codable, Sendable, Equatable {
    public var reference: String?
    public var pullPolicy: String?

    public init(reference: String? = nil, pullPolicy: String? = nil) {
        self.reference = reference
        self.pullPolicy = pullPolicy
    }
}
