/// core/v1 PersistentVolumeClaim: a user's request for storage, bound to one PersistentVolume.
public struct PersistentVolumeClaim: HasSpec, HasStatus {
    public static let gvk = GroupVersionKind(group: "", version: "v1", kind: "PersistentVolumeClaim")

    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: PersistentVolumeClaimSpec?
    public var status: PersistentVolumeClaimStatus?

    public init(metadata: ObjectMeta = ObjectMeta(), spec: PersistentVolumeClaimSpec? = nil, status: PersistentVolumeClaimStatus? = nil) {
        self.apiVersion = Self.gvk.apiVersion
        self.kind = Self.gvk.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// core/v1 PersistentVolumeClaimSpec: what the claim asks for.
public struct PersistentVolumeClaimSpec: Codable, Sendable, Equatable {
    public var accessModes: [PersistentVolumeAccessMode]?
    public var selector: LabelSelector?
    public var resources: VolumeResourceRequirements?
    public var volumeName: String?
    /// nil means "use the default class"; "" means "no class", and is never defaulted.
    public var storageClassName: String?
    public var volumeMode: String?
    public var dataSource: TypedLocalObjectReference?
    public var dataSourceRef: TypedObjectReference?
    public var volumeAttributesClassName: String?

    public init(
        accessModes: [PersistentVolumeAccessMode]? = nil, selector: LabelSelector? = nil, resources: VolumeResourceRequirements? = nil,
        volumeName: String? = nil, storageClassName: String? = nil, volumeMode: String? = nil,
        dataSource: TypedLocalObjectReference? = nil, dataSourceRef: TypedObjectReference? = nil,
        volumeAttributesClassName: String? = nil
    ) {
        self.accessModes = accessModes
        self.selector = selector
        self.resources = resources
        self.volumeName = volumeName
        self.storageClassName = storageClassName
        self.volumeMode = volumeMode
        self.dataSource = dataSource
        self.dataSourceRef = dataSourceRef
        self.volumeAttributesClassName = volumeAttributesClassName
    }

    /// resources.requests["storage"]: the size asked for.
    public var storageRequest: Quantity? { resources?.requests?[ResourceName.storage] }

    /// The volume mode, Filesystem when unset.
    public var effectiveVolumeMode: String { volumeMode ?? PersistentVolumeMode.filesystem }
}

/// core/v1 PersistentVolumeClaimStatus: whether and to what the claim is bound.
public struct PersistentVolumeClaimStatus: Codable, Sendable, Equatable {
    public var phase: String?
    public var accessModes: [PersistentVolumeAccessMode]?
    public var capacity: [String: Quantity]?
    public var conditions: [PersistentVolumeClaimCondition]?
    public var allocatedResources: [String: Quantity]?
    public var allocatedResourceStatuses: [String: String]?
    public var currentVolumeAttributesClassName: String?
    public var modifyVolumeStatus: ModifyVolumeStatus?

    public init(
        phase: String? = nil, accessModes: [PersistentVolumeAccessMode]? = nil, capacity: [String: Quantity]? = nil,
        conditions: [PersistentVolumeClaimCondition]? = nil, allocatedResources: [String: Quantity]? = nil,
        allocatedResourceStatuses: [String: String]? = nil, currentVolumeAttributesClassName: String? = nil,
        modifyVolumeStatus: ModifyVolumeStatus? = nil
    ) {
        self.phase = phase
        self.accessModes = accessModes
        self.capacity = capacity
        self.conditions = conditions
        self.allocatedResources = allocatedResources
        self.allocatedResourceStatuses = allocatedResourceStatuses
        self.currentVolumeAttributesClassName = currentVolumeAttributesClassName
        self.modifyVolumeStatus = modifyVolumeStatus
    }

    /// capacity["storage"]: the size of the bound volume.
    public var storageCapacity: Quantity? { capacity?[ResourceName.storage] }
}

/// core/v1 PersistentVolumeClaimCondition (Resizing, FileSystemResizePending, ...).
public struct PersistentVolumeClaimCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var lastProbeTime: Time?
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(type: String, status: String, lastProbeTime: Time? = nil, lastTransitionTime: Time? = nil,
                reason: String? = nil, message: String? = nil) {
        self.type = type
        self.status = status
        self.lastProbeTime = lastProbeTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    /// The volume is being resized by the controller.
    public static let resizing = "Resizing"
    /// The controller resized the volume; the file system waits for a node to grow it.
    public static let fileSystemResizePending = "FileSystemResizePending"
    /// The volume's attributes class is being changed.
    public static let modifyingVolume = "ModifyingVolume"
    /// A change of attributes class waits on a quota or a driver.
    public static let modifyVolumeError = "ModifyVolumeError"
}

/// core/v1 ModifyVolumeStatus: progress of a change of volume attributes class.
public struct ModifyVolumeStatus: Codable, Sendable, Equatable {
    public var targetVolumeAttributesClassName: String?
    public var status: String

    public init(targetVolumeAttributesClassName: String? = nil, status: String) {
        self.targetVolumeAttributesClassName = targetVolumeAttributesClassName
        self.status = status
    }
}

/// The phases of a PersistentVolumeClaim.
public enum PersistentVolumeClaimPhase {
    /// Not bound yet.
    public static let pending = "Pending"
    /// Bound to a volume.
    public static let bound = "Bound"
    /// The volume it was bound to is gone.
    public static let lost = "Lost"
    /// Every phase.
    public static let all = [pending, bound, lost]
}

extension PersistentVolumeClaim {
    /// The claim's class: the beta annotation when present, else spec.storageClassName,
    /// else "" (helper.GetPersistentVolumeClaimClass). Use `spec.storageClassName` to tell
    /// "unset" (nil) from "no class" ("").
    public var storageClassName: String {
        if let annotated = metadata.annotation(StorageAnnotations.betaStorageClass) { return annotated }
        return spec?.storageClassName ?? ""
    }

    /// status.phase, "" when unset.
    public var phase: String { status?.phase ?? "" }
}
