/// storage.k8s.io/v1 StorageClass: how volumes of a class are provisioned, bound and
/// reclaimed. Cluster-scoped, with no spec or status.
public struct StorageClass: KubernetesObject {
    public static let gvk = GroupVersionKind(group: "storage.k8s.io", version: "v1", kind: "StorageClass")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    /// The provisioner that creates volumes of this class ("ballast.io/local-lvm").
    public var provisioner: String
    public var parameters: [String: String]?
    public var reclaimPolicy: String?
    public var mountOptions: [String]?
    public var allowVolumeExpansion: Bool?
    public var volumeBindingMode: String?
    public var allowedTopologies: [TopologySelectorTerm]?

    public init(
        metadata: ObjectMeta = ObjectMeta(), provisioner: String = "", parameters: [String: String]? = nil,
        reclaimPolicy: String? = nil, mountOptions: [String]? = nil, allowVolumeExpansion: Bool? = nil,
        volumeBindingMode: String? = nil, allowedTopologies: [TopologySelectorTerm]? = nil
    ) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.provisioner = provisioner
        self.parameters = parameters
        self.reclaimPolicy = reclaimPolicy
        self.mountOptions = mountOptions
        self.allowVolumeExpansion = allowVolumeExpansion
        self.volumeBindingMode = volumeBindingMode
        self.allowedTopologies = allowedTopologies
    }

    enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, provisioner, parameters, reclaimPolicy, mountOptions, allowVolumeExpansion,
            volumeBindingMode, allowedTopologies
    }

    /// Decodes with provisioner "" when absent, so that validation, not decoding, reports it.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        provisioner = try container.decodeIfPresent(String.self, forKey: .provisioner) ?? ""
        parameters = try container.decodeIfPresent([String: String].self, forKey: .parameters)
        reclaimPolicy = try container.decodeIfPresent(String.self, forKey: .reclaimPolicy)
        mountOptions = try container.decodeIfPresent([String].self, forKey: .mountOptions)
        allowVolumeExpansion = try container.decodeIfPresent(Bool.self, forKey: .allowVolumeExpansion)
        volumeBindingMode = try container.decodeIfPresent(String.self, forKey: .volumeBindingMode)
        allowedTopologies = try container.decodeIfPresent([TopologySelectorTerm].self, forKey: .allowedTopologies)
    }

    /// Whether the class is the default one (either default-class annotation is "true").
    public var isDefault: Bool {
        metadata.annotation(StorageAnnotations.isDefaultClass) == "true"
            || metadata.annotation(StorageAnnotations.betaIsDefaultClass) == "true"
    }

    /// The reclaim policy of volumes it provisions, Delete when unset.
    public var effectiveReclaimPolicy: String { reclaimPolicy ?? PersistentVolumeReclaimPolicy.delete }

    /// The binding mode, Immediate when unset.
    public var effectiveVolumeBindingMode: String { volumeBindingMode ?? VolumeBindingMode.immediate }
}

/// storage.k8s.io/v1 VolumeBindingMode values: when claims of a class are bound.
public enum VolumeBindingMode {
    /// Bind (and provision) as soon as the claim exists.
    public static let immediate = "Immediate"
    /// Wait until a pod using the claim is scheduled, and honour its node.
    public static let waitForFirstConsumer = "WaitForFirstConsumer"
    /// Sorted, as Kubernetes lists them in errors.
    public static let supported = [immediate, waitForFirstConsumer]
}
