import Glibc

/// The provisioning half of the local-path driver ("ballast.io/local-path"), run by the
/// agent of the selected node: a directory per volume under the node's base path, as
/// rancher's local-path-provisioner does. The PersistentVolume is a `local` volume with
/// node affinity to the node.
///
/// A directory has no size limit of its own (no quotas on this host): the capacity is what
/// was asked, and the class's capacity is what the base path's filesystem has free.
public struct LocalPathProvisioner: VolumeProvisioner {
    /// "ballast.io/local-path".
    public static let name = "ballast.io/local-path"

    public var provisionerName: String { Self.name }
    /// The node the directories are on.
    public let nodeName: String
    /// Where the volume directories are made.
    public let basePath: String

    /// A driver making directories under `basePath` on `nodeName`.
    public init(nodeName: String, basePath: String) {
        self.nodeName = nodeName
        self.basePath = basePath
    }

    /// Local data is deleted or kept; never scrubbed for a stranger (Recycle).
    public func supports(reclaimPolicy: String) -> Bool { reclaimPolicy != "Recycle" }

    /// A bind mount takes no filesystem options.
    public var supportsMountOptions: Bool { false }

    public func validate(parameters: [String: String]) -> [String] {
        parameters.keys.sorted().map { "parameters.\($0): \(Self.name) takes no parameters" }
    }

    /// Makes `<basePath>/<volume name>`, open to every user (a container's user is not
    /// known here), or finds it made before.
    public func provision(_ request: ProvisionRequest) async throws(VolumeError) -> VolumeRecord {
        let problems = validate(parameters: request.parameters)
        guard problems.isEmpty else { throw VolumeError(.invalid, problems.joined(separator: "; ")) }
        guard request.volumeMode != "Block" else { throw VolumeError(.invalid, "\(Self.name) makes directories; volumeMode Block is not supported") }
        let path = try directory(request.volumeName)
        try VolumeDirectory.make(basePath, mode: 0o755)
        if mkdir(path, 0o777) != 0, errno != EEXIST {
            throw VolumeError(.failed, SystemCallError("mkdir", path: path, errno: errno).description)
        }
        // mkdir's mode passes through the umask.
        guard chmod(path, 0o777) == 0 else { throw VolumeError(.failed, SystemCallError("chmod", path: path, errno: errno).description) }
        return VolumeRecord(name: request.volumeName, source: .local(path: path, fsType: nil), capacity: request.capacity, node: nodeName)
    }

    /// Removes the directory and everything in it, never following a symlink out of it.
    public func delete(_ volume: VolumeRecord) async throws(VolumeError) {
        try LocalDirectoryTree.removeTree(try ownPath(volume))
    }

    /// Never: a local volume is deleted or kept.
    public func recycle(_ volume: VolumeRecord) async throws(VolumeError) {
        throw VolumeError(.invalid, "\(Self.name) volumes cannot be recycled; use Delete or Retain")
    }

    /// A directory has no size to grow: the new size is recorded.
    public func expand(_ volume: VolumeRecord, to bytes: Int64) async throws(VolumeError) -> Int64 { bytes }

    /// What the base path's filesystem has.
    public func capacity(parameters: [String: String], mountOptions: [String]) async throws(VolumeError) -> StorageCapacity {
        try VolumeDirectory.make(basePath, mode: 0o755)
        let usage = try LinuxFilesystemManager().usage(at: basePath)
        let available = Int64(clamping: usage.availableBytes)
        return StorageCapacity(total: Int64(clamping: usage.totalBytes), available: available, maximumVolumeSize: available)
    }

    private func directory(_ volumeName: String) throws(VolumeError) -> String {
        guard !volumeName.isEmpty, !volumeName.contains("/"), volumeName != ".", volumeName != ".." else {
            throw VolumeError(.invalid, "\"\(volumeName)\" is not a volume name")
        }
        return basePath + "/" + volumeName
    }

    /// The volume's directory, checked to be one this driver made (directly under the base).
    private func ownPath(_ volume: VolumeRecord) throws(VolumeError) -> String {
        guard case .local(let path, _) = volume.source, path == (try directory(volume.name)) else {
            throw VolumeError(.invalid, "volume \(volume.name) is not a \(Self.name) directory under \(basePath)")
        }
        return path
    }
}
