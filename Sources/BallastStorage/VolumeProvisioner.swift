/// What a provisioner is asked to make: one volume for one claim.
public struct ProvisionRequest: Sendable, Equatable {
    /// The volume's name, "pvc-<claim uid>": a retry after a crash asks for the same name,
    /// which is how provisioning stays idempotent.
    public var volumeName: String
    /// The requested size in bytes.
    public var capacity: Int64
    public var accessModes: [String]
    /// "Filesystem" or "Block".
    public var volumeMode: String
    /// The StorageClass parameters.
    public var parameters: [String: String]
    public var mountOptions: [String]
    public var claim: ClaimInfo
    /// The node the scheduler chose (WaitForFirstConsumer), if any.
    public var selectedNode: String?

    public init(volumeName: String, capacity: Int64, accessModes: [String], volumeMode: String = "Filesystem",
                parameters: [String: String], mountOptions: [String] = [], claim: ClaimInfo, selectedNode: String? = nil) {
        self.volumeName = volumeName
        self.capacity = capacity
        self.accessModes = accessModes
        self.volumeMode = volumeMode
        self.parameters = parameters
        self.mountOptions = mountOptions
        self.claim = claim
        self.selectedNode = selectedNode
    }
}

/// The claim a volume is made for (templated paths use it).
public struct ClaimInfo: Sendable, Equatable {
    public var namespace: String
    public var name: String
    public var uid: String
    public var labels: [String: String]
    public var annotations: [String: String]

    public init(namespace: String, name: String, uid: String, labels: [String: String] = [:], annotations: [String: String] = [:]) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.labels = labels
        self.annotations = annotations
    }
}

/// Where a volume's data lives, as a PersistentVolume's source names it.
public enum VolumeSource: Sendable, Equatable {
    case nfs(server: String, path: String)
    case local(path: String, fsType: String?)
    case hostPath(path: String)
    /// A volume only its own driver's node half can reach (an LVM logical volume), named by
    /// a handle that driver understands ("<volume group>/<logical volume>").
    case csi(driver: String, handle: String, fsType: String?)
}

/// A volume that exists: enough to find, delete, recycle or expand it again.
public struct VolumeRecord: Sendable, Equatable {
    public var name: String
    public var source: VolumeSource
    public var capacity: Int64
    /// The node that holds it, for node-local drivers.
    public var node: String?
    /// What the driver needs later (for example the NFS onDelete mode or the LVM volume
    /// group), kept on the PersistentVolume as annotations so that deletion never depends
    /// on a StorageClass that may have changed or gone.
    public var attributes: [String: String]

    public init(name: String, source: VolumeSource, capacity: Int64, node: String? = nil, attributes: [String: String] = [:]) {
        self.name = name
        self.source = source
        self.capacity = capacity
        self.node = node
        self.attributes = attributes
    }
}

/// Free and total space for a class of volumes (on one node for node-local drivers).
public struct StorageCapacity: Sendable, Equatable {
    public var total: Int64
    public var available: Int64
    /// The largest single volume that fits (for LVM: the VG's free space, never summed
    /// across volume groups).
    public var maximumVolumeSize: Int64

    public init(total: Int64, available: Int64, maximumVolumeSize: Int64) {
        self.total = total
        self.available = available
        self.maximumVolumeSize = maximumVolumeSize
    }
}

/// Why a volume operation failed, and whether retrying can help.
public struct VolumeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The backend did not answer (NFS server down, timeout): retry with back-off.
        case unavailable
        /// The request or the class parameters are wrong: retrying the same thing fails again.
        case invalid
        /// The volume is in use and cannot be deleted or recycled now.
        case inUse
        /// The backend refused or failed (I/O error, no space, permission).
        case failed
        /// Something on the volume makes the operation unsafe (e.g. an unexpected filesystem).
        case unsafe
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The provisioning half of a volume driver (DESIGN.md, "Storage model"): it makes,
/// removes, scrubs and grows the backing storage of PersistentVolumes, and reports
/// capacity. Network drivers run in the control plane; node-local drivers in the agent of
/// the node that holds the storage.
///
/// Every operation must be idempotent and safe to retry after a crash at any point: a
/// repeated `provision` with the same volume name returns the volume made before, a
/// repeated `delete` of a volume that is gone succeeds.
public protocol VolumeProvisioner: Sendable {
    /// The StorageClass provisioner name this driver serves ("ballast.io/nfs").
    var provisionerName: String { get }

    /// Whether the driver can honour a reclaim policy (Delete, Retain, Recycle).
    func supports(reclaimPolicy: String) -> Bool

    /// Whether the driver accepts StorageClass mountOptions.
    var supportsMountOptions: Bool { get }

    /// Problems with StorageClass parameters, one message per bad parameter naming it;
    /// empty when they are fine.
    func validate(parameters: [String: String]) -> [String]

    /// Makes the backing storage for a volume, or finds the one made earlier under the
    /// same name.
    /// - Throws: `VolumeError` (`.unavailable` means retry; `.invalid` means the request can
    ///   never succeed as it is).
    func provision(_ request: ProvisionRequest) async throws(VolumeError) -> VolumeRecord

    /// Removes (or, as the driver's attributes say, archives or keeps) the backing storage.
    /// Succeeds if it is already gone.
    func delete(_ volume: VolumeRecord) async throws(VolumeError)

    /// Empties the volume, never following a symlink out of it, so it can be reused.
    func recycle(_ volume: VolumeRecord) async throws(VolumeError)

    /// Grows the backing storage to at least `bytes`; returns the new size.
    func expand(_ volume: VolumeRecord, to bytes: Int64) async throws(VolumeError) -> Int64

    /// Space for new volumes with these class parameters and mount options.
    func capacity(parameters: [String: String], mountOptions: [String]) async throws(VolumeError) -> StorageCapacity
}
