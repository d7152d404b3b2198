/// core/v1 PersistentVolume: a piece of storage in the cluster, provisioned by an
/// administrator or dynamically through a StorageClass, and bound to at most one claim.
public struct PersistentVolume: HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "PersistentVolume")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: PersistentVolumeSpec?
    public var status: PersistentVolumeStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: PersistentVolumeSpec? = nil, status: PersistentVolumeStatus? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// core/v1 PersistentVolumeSpec: the volume's size, modes, policy, class and its one source.
///
/// Ballast serves the hostPath, local, nfs and csi sources; Kubernetes' other in-tree
/// sources are not decoded, so a volume naming only one of them fails "must specify a
/// volume type".
public struct PersistentVolumeSpec: Codable, Sendable, Equatable {
    public var capacity: [String: Quantity]?
    public var accessModes: [PersistentVolumeAccessMode]?
    public var claimRef: ObjectReference?
    public var persistentVolumeReclaimPolicy: String?
    public var storageClassName: String?
    public var mountOptions: [String]?
    public var volumeMode: String?
    public var nodeAffinity: VolumeNodeAffinity?
    public var volumeAttributesClassName: String?

    public var hostPath: HostPathVolumeSource?
    public var local: LocalVolumeSource?
    public var nfs: NFSVolumeSource?
    public var csi: CSIPersistentVolumeSource?

    public init(
        capacity: [String: Quantity]? = nil, accessModes: [PersistentVolumeAccessMode]? = nil, claimRef: ObjectReference? = nil,
        persistentVolumeReclaimPolicy: String? = nil, storageClassName: String? = nil, mountOptions: [String]? = nil,
        volumeMode: String? = nil, nodeAffinity: VolumeNodeAffinity? = nil, volumeAttributesClassName: String? = nil,
        hostPath: HostPathVolumeSource? = nil, local: LocalVolumeSource? = nil, nfs: NFSVolumeSource? = nil,
        csi: CSIPersistentVolumeSource? = nil
    ) {
        self.capacity = capacity
        self.accessModes = accessModes
        self.claimRef = claimRef
        self.persistentVolumeReclaimPolicy = persistentVolumeReclaimPolicy
        self.storageClassName = storageClassName
        self.mountOptions = mountOptions
        self.volumeMode = volumeMode
        self.nodeAffinity = nodeAffinity
        self.volumeAttributesClassName = volumeAttributesClassName
        self.hostPath = hostPath
        self.local = local
        self.nfs = nfs
        self.csi = csi
    }

    /// capacity["storage"]: the volume's size.
    public var storageCapacity: Quantity? { capacity?[ResourceName.storage] }

    /// The sources that are set, in the order Kubernetes checks them.
    public var sources: [PersistentVolumeSourceKind] {
        var kinds: [PersistentVolumeSourceKind] = []
        if hostPath != nil { kinds.append(.hostPath) }
        if nfs != nil { kinds.append(.nfs) }
        if local != nil { kinds.append(.local) }
        if csi != nil { kinds.append(.csi) }
        return kinds
    }

    /// Which source backs the volume (the first, should a bad object carry several).
    public var source: PersistentVolumeSourceKind? { sources.first }

    /// The volume source alone (PersistentVolumeSource), which is immutable after creation.
    var volumeSource: PersistentVolumeSourceFields {
        PersistentVolumeSourceFields(hostPath: hostPath, local: local, nfs: nfs, csi: csi)
    }

    /// The volume mode, Filesystem when unset.
    public var effectiveVolumeMode: String { volumeMode ?? PersistentVolumeMode.filesystem }
}

/// The sources a PersistentVolume can be backed by in Ballast.
public enum PersistentVolumeSourceKind: String, Sendable, Hashable, CaseIterable {
    case hostPath, nfs, local, csi
}

/// The inline PersistentVolumeSource of a spec, compared as one value on update.
struct PersistentVolumeSourceFields: Codable, Equatable {
    var hostPath: HostPathVolumeSource?
    var local: LocalVolumeSource?
    var nfs: NFSVolumeSource?
    var csi: CSIPersistentVolumeSource?
}

/// core/v1 VolumeNodeAffinity: the nodes a volume can be reached from.
public struct VolumeNodeAffinity: Codable, Sendable, Equatable, Hashable {
    public var required: NodeSelector?

    public init(required: NodeSelector? = nil) { self.required = required }
}

/// core/v1 PersistentVolumeStatus: where the volume is in its lifecycle.
public struct PersistentVolumeStatus: Codable, Sendable, Equatable {
    public var phase: String?
    public var message: String?
    public var reason: String?
    public var lastPhaseTransitionTime: Time?

    public init(phase: String? = nil, message: String? = nil, reason: String? = nil, lastPhaseTransitionTime: Time? = nil) {
        self.phase = phase
        self.message = message
        self.reason = reason
        self.lastPhaseTransitionTime = lastPhaseTransitionTime
    }
}

/// The phases of a PersistentVolume.
public enum PersistentVolumePhase {
    /// Not yet available for binding (just created, or waiting to be provisioned).
    public static let pending = "Pending"
    /// Free, waiting for a claim.
    public static let available = "Available"
    /// Bound to a claim.
    public static let bound = "Bound"
    /// Its claim is gone; the reclaim policy decides what happens next.
    public static let released = "Released"
    /// Automatic reclamation failed.
    public static let failed = "Failed"
    /// Every phase.
    public static let all = [pending, available, bound, released, failed]
}

extension PersistentVolume {
    /// The volume's class: the beta annotation when present (Kubernetes still reads it
    /// first), else spec.storageClassName, else "" (helper.GetPersistentVolumeClass).
    public var storageClassName: String {
        if let annotated = metadata.annotation(StorageAnnotations.betaStorageClass) { return annotated }
        return spec?.storageClassName ?? ""
    }

    /// spec.capacity["storage"].
    public var storageCapacity: Quantity? { spec?.storageCapacity }

    /// Which source backs the volume.
    public var source: PersistentVolumeSourceKind? { spec?.source }

    /// status.phase, "" when unset.
    public var phase: String { status?.phase ?? "" }
}
