/// What one node agent holds in its node-local storage, whether or not a PersistentVolume
/// accounts for it: every logical volume of its volume groups and every directory under its
/// local-path base. The agent serves it at `GET /storage/inventory` (reached through the
/// API server's nodes/NODE/proxy); `ballast storage orphans` compares it with the API's
/// volumes and claims.
public struct StorageInventory: Sendable, Codable, Equatable {
    /// A logical volume as the node's lvm reports it.
    public struct LogicalVolume: Sendable, Codable, Equatable {
        /// Its name.
        public var name: String
        /// Its volume group.
        public var volumeGroup: String
        /// Its size in bytes.
        public var sizeBytes: Int64
        /// Its lvm tags.
        public var tags: [String]
        /// lv_layout ("linear", "thin,pool" …).
        public var layout: String
        /// Whether it is a thin pool (which holds other volumes: never an orphan by itself).
        public var thinPool: Bool
        /// The filesystem (or other signature) blkid finds on it, when it was probed and
        /// found one.
        public var filesystem: String?
        /// Why it could not be probed, when it could not; nil with `filesystem` nil means
        /// the probe ran and found the volume blank.
        public var probeError: String?
        /// Where it is mounted on the node, if anywhere.
        public var mountPoint: String?

        /// Makes a value.
        public init(name: String, volumeGroup: String, sizeBytes: Int64, tags: [String] = [], layout: String = "linear", thinPool: Bool = false,
                    filesystem: String? = nil, probeError: String? = nil, mountPoint: String? = nil) {
            self.name = name
            self.volumeGroup = volumeGroup
            self.sizeBytes = sizeBytes
            self.tags = tags
            self.layout = layout
            self.thinPool = thinPool
            self.filesystem = filesystem
            self.probeError = probeError
            self.mountPoint = mountPoint
        }

        /// "vg/lv": the handle an LVM PersistentVolume carries.
        public var handle: String { "\(volumeGroup)/\(name)" }
    }

    /// A directory directly under the local-path base.
    public struct Directory: Sendable, Codable, Equatable {
        /// Its name (the volume name for directories the driver made).
        public var name: String
        /// Its absolute path on the node.
        public var path: String
        /// Whether something is mounted on or under it on the node.
        public var mounted: Bool

        /// Makes a value.
        public init(name: String, path: String, mounted: Bool = false) {
            self.name = name
            self.path = path
            self.mounted = mounted
        }
    }

    /// The node that answered.
    public var node: String
    /// Its logical volumes (none when the node has no LVM driver).
    public var logicalVolumes: [LogicalVolume]
    /// Its local-path base.
    public var localPathBase: String?
    /// The directories under the base.
    public var directories: [Directory]

    /// Makes a value.
    public init(node: String, logicalVolumes: [LogicalVolume] = [], localPathBase: String? = nil, directories: [Directory] = []) {
        self.node = node
        self.logicalVolumes = logicalVolumes
        self.localPathBase = localPathBase
        self.directories = directories
    }

    /// The agent's path for the inventory.
    public static let path = "/storage/inventory"

    /// The agent's path that removes logical volume `group`/`name` (DELETE).
    public static func purgePath(volumeGroup group: String, logicalVolume name: String) -> String { "/storage/lvm/\(group)/\(name)" }

    /// The agent's path that removes local-path directory `name` (DELETE).
    public static func purgePath(directory name: String) -> String { "/storage/local-path/\(name)" }
}
