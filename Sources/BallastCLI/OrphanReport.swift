public import BallastAPI
public import BallastStorage

/// `ballast storage orphans`: the storage no PersistentVolume accounts for. Logical volumes
/// and local-path directories come from each node agent's `StorageInventory`; NFS
/// directories from a listing of each NFS class's share, one level deep.
///
/// The rules (`StorageReferences`), leaning towards "accounted for":
/// - an object a volume names (or anything inside or around it), or a directory a pod's
///   hostPath volume uses, is not listed at all;
/// - an object named "pvc-<uid>" after an existing claim is `provisioning`, not an orphan:
///   its driver made it and has not written the PersistentVolume yet;
/// - an NFS directory "archived-…" is an `archive` (a deleted volume kept by onDelete:
///   archive);
/// - a thin pool is never listed (it holds volumes of its own);
/// - anything else is an `orphan`.
public struct OrphanReport: Sendable, Codable, Equatable {
    /// The storage an object is.
    public enum Kind: String, Sendable, Codable, Equatable, CaseIterable {
        case lvm
        case localPath = "local-path"
        case nfs
    }

    /// Why an object is listed.
    public enum State: String, Sendable, Codable, Equatable {
        /// Nothing accounts for it: it may be adopted or purged.
        case orphan
        /// Its claim is being provisioned: left alone.
        case provisioning
        /// An archived NFS volume: purged only when named.
        case archive
    }

    /// One NFS share's top level, as the CLI read it.
    public struct NFSListing: Sendable, Codable, Equatable {
        /// A class whose volumes live in the share.
        public var storageClass: String
        public var server: String
        /// The export path.
        public var share: String
        /// The directories directly in the share.
        public var directories: [String]

        public init(storageClass: String, server: String, share: String, directories: [String]) {
            self.storageClass = storageClass
            self.server = server
            self.share = share
            self.directories = directories
        }
    }

    /// One listed object.
    public struct Entry: Sendable, Codable, Equatable {
        /// The node that holds it; nil for NFS.
        public var node: String?
        public var kind: Kind
        /// What `--adopt` and `--purge` take: "vg/lv", the directory's path, "server:/path".
        public var object: String
        /// Its size, when it has one (directories have none).
        public var sizeBytes: Int64?
        /// The filesystem blkid found on a logical volume.
        public var filesystem: String?
        public var state: State
        /// Why it is listed, in words.
        public var reason: String
        /// For NFS, the class whose share holds it.
        public var storageClass: String?
        /// Whether it (or, for a directory, something in it) is mounted on its node: then it
        /// is neither adopted nor purged.
        public var mounted: Bool

        public init(node: String?, kind: Kind, object: String, sizeBytes: Int64? = nil, filesystem: String? = nil, state: State, reason: String,
                    storageClass: String? = nil, mounted: Bool = false) {
            self.node = node
            self.kind = kind
            self.object = object
            self.sizeBytes = sizeBytes
            self.filesystem = filesystem
            self.state = state
            self.reason = reason
            self.storageClass = storageClass
            self.mounted = mounted
        }
    }

    /// The listed objects, by node, kind and object.
    public var entries: [Entry]
    /// What could not be read (a node that did not answer, a share that could not be
    /// listed): the list is incomplete there.
    public var problems: [String]

    /// Compares what the nodes and shares hold with the volumes and claims.
    /// `pods`' hostPath volumes account for the local-path directories they use.
    public init(inventories: [StorageInventory], nfs: [NFSListing] = [], volumes: [PersistentVolume], claims: [PersistentVolumeClaim],
                pods: [Pod] = [], problems: [String] = []) {
        var entries: [Entry] = []
        for inventory in inventories {
            for volume in inventory.logicalVolumes where !volume.thinPool {
                guard StorageReferences.volumes(namingLogicalVolume: volume.handle, in: volumes).isEmpty else { continue }
                let made = volume.tags.contains(LVMProvisioner.managedTag) ? "made by Ballast" : "not made by Ballast"
                var entry = Self.classify(volume.name, claims: claims, node: inventory.node, kind: .lvm, object: volume.handle,
                                          orphanReason: "no PersistentVolume names this logical volume (\(made))")
                entry.sizeBytes = volume.sizeBytes
                entry.filesystem = volume.filesystem
                if let mountPoint = volume.mountPoint {
                    entry.reason += "; mounted at \(mountPoint)"
                    entry.mounted = true
                }
                if let problem = volume.probeError { entry.reason += "; filesystem unknown (\(problem))" }
                entries.append(entry)
            }
            for directory in inventory.directories {
                guard StorageReferences.volumes(namingPath: directory.path, in: volumes).isEmpty,
                      StorageReferences.pods(usingHostPath: directory.path, node: inventory.node, in: pods).isEmpty else { continue }
                var entry = Self.classify(directory.name, claims: claims, node: inventory.node, kind: .localPath, object: directory.path,
                                          orphanReason: "no PersistentVolume names this directory")
                if directory.mounted {
                    entry.reason += "; something is mounted there"
                    entry.mounted = true
                }
                entries.append(entry)
            }
        }
        for listing in nfs {
            for name in listing.directories {
                let path = StorageReferences.normalized(listing.share + "/" + name)
                guard StorageReferences.volumes(namingNFSPath: path, in: volumes).isEmpty else { continue }
                var entry = Self.classify(name, claims: claims, node: nil, kind: .nfs, object: "\(listing.server):\(path)",
                                          orphanReason: "no PersistentVolume names this directory or anything in it")
                if entry.state == .orphan, name.hasPrefix("archived-") {
                    entry.state = .archive
                    entry.reason = "the data of a deleted volume, kept by onDelete: archive; purged only when named"
                }
                entry.storageClass = listing.storageClass
                entries.append(entry)
            }
        }
        self.entries = entries.sorted { ($0.node ?? "", $0.kind.rawValue, $0.object) < ($1.node ?? "", $1.kind.rawValue, $1.object) }
        self.problems = problems
    }

    private static func classify(_ name: String, claims: [PersistentVolumeClaim], node: String?, kind: Kind, object: String,
                                 orphanReason: String) -> Entry {
        if let claim = StorageReferences.provisioningClaim(for: name, in: claims) {
            return Entry(node: node, kind: kind, object: object, state: .provisioning,
                         reason: "being provisioned for claim \(claim.namespace)/\(claim.name): its PersistentVolume is not written yet")
        }
        return Entry(node: node, kind: kind, object: object, state: .orphan, reason: orphanReason)
    }

    /// The entries that are `object` (on `node` when given).
    /// - Throws: `OrphanError` when none is, or several are and no node was given.
    public func entry(_ object: String, node: String?) throws(OrphanError) -> Entry {
        let matches = entries.filter { $0.object == object && (node == nil || $0.node == node) }
        guard let first = matches.first else {
            throw OrphanError("\(object)\(node.map { " on node \($0)" } ?? "") is not listed as an orphan: a volume names it, or it does not exist")
        }
        guard matches.count == 1 else {
            throw OrphanError("\(object) is on nodes \(matches.compactMap(\.node).joined(separator: ", ")): say which with --node")
        }
        return first
    }

    public var table: TextTable {
        TextTable(headers: ["node", "kind", "object", "size", "fs", "state", "reason"], rows: entries.map { entry in
            [entry.node ?? "-", entry.kind.rawValue, entry.object, entry.sizeBytes.map { Quantity($0).description } ?? "-",
             entry.filesystem ?? "-", entry.state.rawValue, entry.reason]
        })
    }

    /// The table, then each problem.
    public var text: String {
        var text = entries.isEmpty ? "No orphaned storage found.\n" : table.text
        for problem in problems { text += "warning: \(problem)\n" }
        return text
    }
}
