import BallastAPI
import Glibc

/// persistentVolumeClaim volumes: the bound PersistentVolume's storage, as the agent
/// resolved it (`ResolvedClaim`), made usable under the pod directory.
///
/// - hostPath: the node path, checked and used where it is (no fsGroup, as upstream).
/// - local directory: bind mounted at `kubernetes.io~local-volume/<name>`.
/// - local block device, or a device the agent attached (LVM): formatted only when blkid
///   finds nothing on it (never when read-only), then mounted at `ballast.io~block-device/<name>`.
/// - NFS: the FUSE client (`NFSMounter`).
///
/// fsGroup is applied to local and block volumes with OnRootMismatch semantics unless the
/// pod asks for Always (storage-rules.md pain 9); never to hostPath or NFS.
public struct ClaimMounter: VolumeMounter {
    /// Mounts and binds.
    public var mounter: any Mounter
    /// Formats blank devices.
    public var filesystems: any FilesystemManager
    /// Mounts NFS volumes.
    public var nfs: NFSMounter

    /// A mounter using mount(2), mkfs and the FUSE NFS client `nfs`.
    public init(nfs: NFSMounter, mounter: any Mounter = LinuxMounter(), filesystems: any FilesystemManager = LinuxFilesystemManager()) {
        self.nfs = nfs
        self.mounter = mounter
        self.filesystems = filesystems
    }

    /// Claims come in several kinds; this mounter's set-up picks one per claim. Teardown of
    /// a claim volume is done by the kind's directory (see `PodVolumeManager`).
    public var kind: VolumeKind { .blockDevice }

    /// See `VolumeMounter.setUp`.
    public func setUp(_ request: VolumeSetUpRequest) async throws(VolumeError) -> MountedVolume {
        guard let claim = request.volume.source.persistentVolumeClaim else {
            throw VolumeError(.invalid, "volume \(request.volume.name) is not a persistentVolumeClaim volume")
        }
        let namespace = request.pod.metadata.namespace ?? "default"
        guard let resolved = request.inputs.claims[claim.claimName] else {
            throw VolumeError(.unavailable, "error processing PVC \(namespace)/\(claim.claimName): PVC is not bound")
        }
        let readOnly = (claim.readOnly ?? false) || resolved.readOnly
        let name = request.volume.name
        switch resolved.source {
        case .hostPath(let source):
            try HostPathMounter.check(source)
            return MountedVolume(name: name, kind: .hostPath, hostPath: source.path, readOnly: readOnly)
        case .nfs(let source, let options):
            return try await nfs.mount(source, options: options, readOnly: readOnly || (source.readOnly ?? false), volumeName: name,
                                       podDirectory: request.podDirectory)
        case .local(let path, let fsType):
            var st = stat()
            guard stat(path, &st) == 0 else {
                throw VolumeError(.failed, "local volume \(resolved.volumeName): path \"\(path)\" does not exist")
            }
            if st.fileType == S_IFBLK {
                let type = try Self.filesystemType(fsType)
                return try await mountDevice(path, as: type, request: request, readOnly: readOnly, options: resolved.mountOptions)
            }
            guard st.isDirectory else {
                throw VolumeError(.failed, "local volume \(resolved.volumeName): \(path) is neither a directory nor a block device")
            }
            let target = VolumeKind.localVolume.directory(for: name, podDirectory: request.podDirectory)
            try VolumeDirectory.make(target, mode: 0o750)
            do {
                try mounter.bind(path, at: target, recursive: false, flags: readOnly ? .readOnly : [])
            } catch {
                throw VolumeError(.failed, "bind mounting local volume \(path) at \(target): \(error)")
            }
            if let group = request.fsGroup, !readOnly {
                try VolumeOwnership.apply(group: group, to: target, readOnly: false, policy: request.fsGroupChangePolicy)
            }
            return MountedVolume(name: name, kind: .localVolume, hostPath: target, readOnly: readOnly)
        case .blockDevice(let path, let type):
            return try await mountDevice(path, as: type, request: request, readOnly: readOnly, options: resolved.mountOptions, growToDevice: true)
        }
    }

    /// Unmounts and removes a block-device volume; the other claim kinds are torn down by
    /// their own kind's mounter. See `VolumeMounter.tearDown`.
    public func tearDown(volumeName name: String, podDirectory: String) async throws(VolumeError) {
        try EmptyDirMounter.unmountAndRemove(VolumeKind.blockDevice.directory(for: name, podDirectory: podDirectory), mounter: mounter)
    }

    /// Unmounts and removes a local directory volume's bind.
    func tearDownLocal(volumeName name: String, podDirectory: String) throws(VolumeError) {
        try EmptyDirMounter.unmountAndRemove(VolumeKind.localVolume.directory(for: name, podDirectory: podDirectory), mounter: mounter)
    }

    static func filesystemType(_ name: String?) throws(VolumeError) -> FilesystemType {
        guard let name, !name.isEmpty else { return .ext4 }
        guard let type = FilesystemType(rawValue: name) else {
            throw VolumeError(.invalid, "fsType \"\(name)\" is not supported (use ext4 or xfs)")
        }
        return type
    }

    /// - Parameter growToDevice: grow a filesystem its device has outgrown (an expanded
    ///   volume whose filesystem could not grow while it was mounted): ext4 before the mount,
    ///   xfs (which grows only mounted) right after.
    private func mountDevice(_ device: String, as type: FilesystemType, request: VolumeSetUpRequest, readOnly: Bool,
                             options: [String], growToDevice: Bool = false) async throws(VolumeError) -> MountedVolume {
        let name = request.volume.name
        let target = VolumeKind.blockDevice.directory(for: name, podDirectory: request.podDirectory)
        try VolumeDirectory.make(target, mode: 0o750)
        let alreadyMounted = (try? mounter.isMountPoint(target)) ?? false
        var formatted = false
        if !alreadyMounted {
            if readOnly {
                // A read-only volume is never written, not even to format it.
                let signature: BlockSignature?
                do { signature = try BlkidProbe().signature(of: device) } catch { throw VolumeError(.unsafe, "cannot probe \(device): \(error)") }
                guard signature != nil else { throw VolumeError(.failed, "\(device) is blank and the volume is read-only: nothing to mount") }
            } else {
                if case .formatted = try await filesystems.formatIfBlank(device, as: type, label: nil, uuid: nil) { formatted = true }
            }
        }
        var grow = false
        if growToDevice, !alreadyMounted, !readOnly, !formatted { grow = try FilesystemSize.lagsBehindDevice(device, type: type) }
        if grow, type == .ext4 { try await filesystems.grow(device, mountedAt: nil, type: type) }
        var flags: MountFlags = [.noSetUID, .noDevices]
        var data: [String] = []
        for option in options.flatMap({ $0.split(separator: ",").map(String.init) }) {
            switch option {
            case "ro": flags.insert(.readOnly)
            case "rw", "defaults", "nosuid", "nodev": break
            case "noatime": flags.insert(.noAccessTime)
            case "relatime": flags.insert(.relativeAccessTime)
            case "noexec": flags.insert(.noExecute)
            default: data.append(option)
            }
        }
        if readOnly { flags.insert(.readOnly) }
        do {
            try mounter.mount(device, at: target, type: type.rawValue, flags: flags, options: data.joined(separator: ","))
        } catch {
            throw VolumeError(.failed, "mounting \(device) (\(type.rawValue)) at \(target): \(error)")
        }
        if grow, type == .xfs { try await filesystems.grow(device, mountedAt: target, type: type) }
        // A new filesystem's root is 0755 root:root, which only a root container could use:
        // open it to every user, sticky-free but setgid, as TopoLVM does (rule 15).
        if formatted, chmod(target, 0o2777) != 0 {
            throw VolumeError(.failed, SystemCallError("chmod", path: target, errno: errno).description)
        }
        if let group = request.fsGroup, !flags.contains(.readOnly) {
            try VolumeOwnership.apply(group: group, to: target, readOnly: false, policy: request.fsGroupChangePolicy)
        }
        return MountedVolume(name: name, kind: .blockDevice, hostPath: target, readOnly: flags.contains(.readOnly))
    }
}
