/// What the NFS driver records on each volume it makes (VolumeRecord.attributes, kept as
/// PersistentVolume annotations), so that deleting, archiving and recycling never depend
/// on a StorageClass that may have changed or gone (storage-rules.md pain 11: upstream
/// derived the directory from the PV path's last element and skipped deletion of
/// templated paths).
public struct NFSVolumeAttributes: Sendable, Equatable {
    /// The export the directory was made in.
    public static let shareKey = "nfs.ballast.io/share"
    /// The directory's path relative to the share ("ns-claim-pvc-…" or "ns/claim").
    public static let pathKey = "nfs.ballast.io/path"
    /// delete, retain or archive.
    public static let onDeleteKey = "nfs.ballast.io/on-delete"
    /// The class's mount options at provisioning, comma-joined: they say how to reach the
    /// server (version, ports).
    public static let mountOptionsKey = "nfs.ballast.io/mount-options"

    /// The NFS server (the volume source's).
    public var server: String
    /// The export the directory is in.
    public var share: String
    /// The directory relative to the share.
    public var path: String
    /// What deletion does.
    public var onDelete: NFSOnDelete
    /// How to reach the server.
    public var mountOptions: NFSMountOptions

    /// Makes attributes from values already checked.
    public init(server: String, share: String, path: String, onDelete: NFSOnDelete, mountOptions: NFSMountOptions) {
        self.server = server
        self.share = share
        self.path = path
        self.onDelete = onDelete
        self.mountOptions = mountOptions
    }

    /// The absolute path on the server: the share joined with the relative path.
    public var serverPath: String { Self.join(share, path) }

    /// The attributes as VolumeRecord stores them.
    public var dictionary: [String: String] {
        var result = [Self.shareKey: share, Self.pathKey: path, Self.onDeleteKey: onDelete.rawValue]
        if !mountOptions.options.isEmpty { result[Self.mountOptionsKey] = mountOptions.options.joined(separator: ",") }
        return result
    }

    /// Reads and checks the attributes of `volume`.
    /// - Throws: `.invalid` when the volume was not made by this driver (attributes
    ///   missing or malformed); `.unsafe` when the recorded path would leave the share or
    ///   disagrees with the volume's NFS source, which means someone edited one of them.
    public init(volume: VolumeRecord) throws(VolumeError) {
        guard case .nfs(let server, let sourcePath) = volume.source else {
            throw VolumeError(.invalid, "volume \(volume.name) is not an NFS volume")
        }
        guard let share = volume.attributes[Self.shareKey], let path = volume.attributes[Self.pathKey] else {
            throw VolumeError(.invalid, "volume \(volume.name) has no \(Self.shareKey) and \(Self.pathKey) attributes: it was not made by ballast.io/nfs")
        }
        guard share.hasPrefix("/") else {
            throw VolumeError(.unsafe, "volume \(volume.name): \(Self.shareKey) \(share.nfsQuoted) is not an absolute path")
        }
        if let problem = NFSPathPattern.problem(inRelativePath: path) {
            throw VolumeError(.unsafe, "volume \(volume.name): \(Self.pathKey) \(path.nfsQuoted) is unusable (\(problem)); refusing to touch anything outside the share")
        }
        guard Self.join(share, path) == sourcePath else {
            throw VolumeError(.unsafe, "volume \(volume.name): its NFS path \(sourcePath.nfsQuoted) is not \(share.nfsQuoted) + \(path.nfsQuoted) as recorded; refusing to guess which is right")
        }
        let onDeleteText = volume.attributes[Self.onDeleteKey] ?? NFSOnDelete.delete.rawValue
        guard let onDelete = NFSOnDelete(rawValue: onDeleteText) else {
            throw VolumeError(.invalid, "volume \(volume.name): \(Self.onDeleteKey) must be delete, retain or archive, not \(onDeleteText.nfsQuoted)")
        }
        let options = volume.attributes[Self.mountOptionsKey].map { [$0] } ?? []
        switch NFSMountOptions.parse(options) {
        case .success(let parsed):
            self.init(server: server, share: share, path: path, onDelete: onDelete, mountOptions: parsed)
        case .failure(let error):
            throw VolumeError(.invalid, "volume \(volume.name): \(Self.mountOptionsKey): \(error)")
        }
    }

    static func join(_ share: String, _ path: String) -> String {
        share == "/" ? "/" + path : share + "/" + path
    }
}
