public import BallastAPI
import BallastStorage

extension OrphanReport {
    /// The annotation an adopted volume carries: when it was adopted.
    public static let adoptedAtAnnotation = "ballast.io/adopted-at"
    /// The annotation an adopted volume carries: what it was adopted from.
    public static let adoptedFromAnnotation = "ballast.io/adopted-from"

    /// How to adopt an orphan: the choices `--adopt` takes.
    public struct Adoption: Sendable, Equatable {
        /// The PersistentVolume's name; nil derives one from the object.
        public var name: String?
        /// The class; nil picks the one whose provisioner (and volume group) matches.
        public var storageClass: String?
        /// The capacity; nil takes the logical volume's size (directories need one).
        public var capacityBytes: Int64?
        /// Use the logical volume as a raw block device (volumeMode Block), not a filesystem.
        public var block: Bool

        public init(name: String? = nil, storageClass: String? = nil, capacityBytes: Int64? = nil, block: Bool = false) {
            self.name = name
            self.storageClass = storageClass
            self.capacityBytes = capacityBytes
            self.block = block
        }
    }

    /// The class an orphan's volume gets when none is asked for: for a logical volume, the
    /// LVM class of its volume group whose fsType matches its filesystem, Retain classes
    /// first; for a directory, a local-path class; for NFS, the class whose share it is in.
    public static func defaultClass(for entry: Entry, classes: [StorageClass]) -> StorageClass? {
        switch entry.kind {
        case .lvm:
            let group = entry.object.split(separator: "/").first.map(String.init) ?? ""
            let matching = classes.filter {
                $0.provisioner == LVMProvisioner.name && ($0.parameters?["volumeGroup"] ?? LVMProvisioner.defaultVolumeGroup) == group
            }
            return matching.min { rank($0, entry) < rank($1, entry) }
        case .localPath:
            return classes.filter { $0.provisioner == LocalPathProvisioner.name }.min { rank($0, entry) < rank($1, entry) }
        case .nfs:
            return classes.first { $0.name == entry.storageClass }
        }
    }

    private static func rank(_ storageClass: StorageClass, _ entry: Entry) -> (Int, Int, String) {
        let fsType = storageClass.parameters?["fsType"] ?? FilesystemType.ext4.rawValue
        return (fsType == entry.filesystem ? 0 : 1, storageClass.effectiveReclaimPolicy == PersistentVolumeReclaimPolicy.retain ? 0 : 1,
                storageClass.name)
    }

    /// The PersistentVolume that adopts `entry`: reclaim policy Retain, the source its driver
    /// would have written, its capacity, node affinity for node-local storage, and the
    /// adoption annotations.
    /// - Throws: `OrphanError` when the entry is not an orphan, or cannot be used as asked
    ///   (mounted on its node; a logical volume without a filesystem blkid recognises,
    ///   unless `block`; a directory without a capacity; a name that is no valid volume name).
    public static func adoptingVolume(_ entry: Entry, storageClass: StorageClass?, options: Adoption, now: Time) throws(OrphanError) -> PersistentVolume {
        guard entry.state != .provisioning else { throw OrphanError("\(entry.object) is being provisioned for a claim; it is not an orphan") }
        guard !entry.mounted else { throw OrphanError("\(entry.object) is mounted on its node: unmount it first, so that only pods mount it") }
        let name = try volumeName(entry, asked: options.name)
        var metadata = ObjectMeta(name: name)
        var annotations = [adoptedAtAnnotation: now.description,
                           adoptedFromAnnotation: "\(entry.kind.rawValue) \(entry.object)\(entry.node.map { " on node \($0)" } ?? "")"]
        var spec = PersistentVolumeSpec(persistentVolumeReclaimPolicy: PersistentVolumeReclaimPolicy.retain, storageClassName: storageClass?.name ?? "",
                                        mountOptions: storageClass?.mountOptions)
        spec.volumeMode = options.block ? PersistentVolumeMode.block : PersistentVolumeMode.filesystem
        var capacity = options.capacityBytes
        switch entry.kind {
        case .lvm:
            if !options.block {
                guard let filesystem = entry.filesystem, FilesystemType(rawValue: filesystem) != nil else {
                    let found = entry.filesystem.map { "a \($0) signature" } ?? "no filesystem (or it could not be probed)"
                    throw OrphanError("blkid finds \(found) on \(entry.object): only ext4 and xfs are mounted; adopt it with --block to use it as a raw block device (nothing is ever formatted by adopting)")
                }
                spec.csi = CSIPersistentVolumeSource(driver: LVMProvisioner.csiDriver, volumeHandle: entry.object, fsType: filesystem)
            } else {
                spec.csi = CSIPersistentVolumeSource(driver: LVMProvisioner.csiDriver, volumeHandle: entry.object)
            }
            capacity = capacity ?? entry.sizeBytes
            annotations[VolumeBindingRules.provisionedBy] = LVMProvisioner.name
            annotations[LVMProvisioner.volumeGroupAttribute] = entry.object.split(separator: "/").first.map(String.init)
            spec.accessModes = [.readWriteOnce]
        case .localPath:
            guard !options.block else { throw OrphanError("\(entry.object) is a directory: it cannot be a block device") }
            spec.local = LocalVolumeSource(path: entry.object)
            annotations[VolumeBindingRules.provisionedBy] = LocalPathProvisioner.name
            spec.accessModes = [.readWriteOnce]
        case .nfs:
            guard !options.block else { throw OrphanError("\(entry.object) is a directory: it cannot be a block device") }
            let parts = entry.object.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw OrphanError("\(entry.object) is not server:/path") }
            spec.nfs = NFSVolumeSource(server: parts[0], path: parts[1])
            spec.accessModes = [.readWriteMany]
        }
        guard let bytes = capacity, bytes > 0 else { throw OrphanError("\(entry.object) has no size of its own: give its capacity with --size") }
        spec.capacity = [ResourceName.storage: Quantity(bytes)]
        if let node = entry.node {
            spec.nodeAffinity = VolumeNodeAffinity(required: NodeSelector(nodeSelectorTerms: [
                NodeSelectorTerm(matchExpressions: [NodeSelectorRequirement(key: "kubernetes.io/hostname", operator: "In", values: [node])])
            ]))
        }
        metadata.annotations = annotations
        return PersistentVolume(metadata: metadata, spec: spec)
    }

    /// The asked name, or "adopted-<last element of the object>" when that is a valid name.
    private static func volumeName(_ entry: Entry, asked: String?) throws(OrphanError) -> String {
        let name = asked ?? "adopted-" + (entry.object.split(separator: "/").last.map(String.init) ?? "").lowercased()
        let valid = !name.isEmpty && name.count <= 253 && (name.first.map { $0.isLetter || $0.isNumber } ?? false)
        let allowed = name.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" || $0 == "." }
        guard valid, allowed, name.last != "-", name.last != "." else {
            throw OrphanError("\"\(name)\" is not a valid PersistentVolume name (lower-case letters, digits, '-' and '.'): give one with --name")
        }
        return name
    }
}
