public import BallastAPI

/// What the agent looked up for a pod's volumes before setting them up: the objects the
/// volumes name, the persistent volumes behind its claims, and the numbers that size a
/// tmpfs. Absent entries mean "not found" (an optional ConfigMap then gives an empty
/// volume; a required one is an error that the agent retries).
public struct PodVolumeInputs: Sendable {
    /// ConfigMaps in the pod's namespace, by name.
    public var configMaps: [String: ConfigMap]
    /// Secrets in the pod's namespace, by name.
    public var secrets: [String: Secret]
    /// The volume behind each claim, by claim name (only bound claims).
    public var claims: [String: ResolvedClaim]
    /// The node's allocatable memory in bytes: the upper bound of a Memory emptyDir.
    public var nodeAllocatableMemory: Int64?
    /// The pod's memory limit in bytes, when every container has one.
    public var podMemoryLimit: Int64?
    /// A service account token for projected serviceAccountToken sources, when the agent
    /// has one.
    public var serviceAccountToken: String?

    /// Makes inputs; everything defaults to "nothing known".
    public init(configMaps: [String: ConfigMap] = [:], secrets: [String: Secret] = [:], claims: [String: ResolvedClaim] = [:],
                nodeAllocatableMemory: Int64? = nil, podMemoryLimit: Int64? = nil, serviceAccountToken: String? = nil) {
        self.configMaps = configMaps
        self.secrets = secrets
        self.claims = claims
        self.nodeAllocatableMemory = nodeAllocatableMemory
        self.podMemoryLimit = podMemoryLimit
        self.serviceAccountToken = serviceAccountToken
    }
}

/// The storage behind a bound claim, as the agent resolved it from the PersistentVolume
/// (and, for node-local drivers, from the device it attached).
public struct ResolvedClaim: Sendable, Equatable {
    /// Where the data is.
    public enum Source: Sendable, Equatable {
        /// A node path used as it is (PV hostPath).
        case hostPath(HostPathVolumeSource)
        /// A local PV: a directory is bind mounted; a block device is formatted if blank
        /// (fsType, ext4 by default) and mounted.
        case local(path: String, fsType: String?)
        /// A block device the agent attached (an LVM volume): formatted only if blkid finds
        /// nothing on it, then mounted.
        case blockDevice(path: String, fsType: FilesystemType)
        /// An NFS export, reached as the PV's mount options say (version, ports).
        case nfs(NFSVolumeSource, mountOptions: NFSMountOptions)
    }

    /// The persistent volume's name.
    public var volumeName: String
    /// Where the data is.
    public var source: Source
    /// Whether the pod's claim reference or the PV says read-only.
    public var readOnly: Bool
    /// The PV's mount options that apply to a local filesystem mount (e.g. "noatime").
    public var mountOptions: [String]

    /// Makes a value.
    public init(volumeName: String, source: Source, readOnly: Bool = false, mountOptions: [String] = []) {
        self.volumeName = volumeName
        self.source = source
        self.readOnly = readOnly
        self.mountOptions = mountOptions
    }

    /// The source of `volume` when its spec says all that is needed (hostPath, local, nfs);
    /// nil for a CSI volume, whose device only the driver's node half can name.
    /// - Throws: `VolumeError` `.invalid` for NFS mount options Ballast cannot honour.
    public static func source(of volume: PersistentVolume) throws(VolumeError) -> Source? {
        guard let spec = volume.spec else { return nil }
        if let hostPath = spec.hostPath { return .hostPath(hostPath) }
        if let local = spec.local { return .local(path: local.path, fsType: local.fsType) }
        if let nfs = spec.nfs {
            switch NFSMountOptions.parse(spec.mountOptions ?? []) {
            case .success(let options): return .nfs(nfs, mountOptions: options)
            case .failure(let error): throw VolumeError(.invalid, error.description)
            }
        }
        return nil
    }
}
