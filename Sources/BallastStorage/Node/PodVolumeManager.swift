public import BallastAPI
import Glibc

/// Sets up every volume of a pod on the host before its containers start, gives each
/// container its list of bind mounts (subPath binds included), and tears everything down
/// when the pod goes. The one entry point the pod loop calls for volumes.
///
/// ```swift
/// let volumes = PodVolumeManager(nfsDaemonCommand: [ballastPath, "nfs-fuse"])
/// let mounted = try await volumes.setUp(pod: pod, podDirectory: dir, inputs: inputs)   // [name: MountedVolume]
/// for container in containers {
///     let mounts = try volumes.containerMounts(for: container, volumes: mounted, environment: env, podDirectory: dir)
///     // each ContainerMount → an OCI bind mount (rbind, ro when readOnly, rslave)
/// }
/// _ = try await volumes.update(pod: pod, podDirectory: dir, inputs: newInputs)          // ConfigMap/Secret changed
/// try await volumes.tearDown(podDirectory: dir)                                         // pod gone: works from disk alone
/// ```
///
/// Volumes live at `<podDir>/volumes/<kind>/<name>` (hostPath volumes stay where they are);
/// what a mounter must remember sits in `<podDir>/plugins/<kind>/<name>`; subPath binds in
/// `<podDir>/volume-subpaths`. Every step is idempotent: after a crash the agent calls the
/// same method again.
public struct PodVolumeManager: Sendable {
    /// emptyDir volumes.
    public var emptyDir: EmptyDirMounter
    /// hostPath volumes.
    public var hostPath: HostPathMounter
    /// gitRepo volumes.
    public var gitRepo: GitRepoMounter
    /// NFS volumes, inline or through claims.
    public var nfs: NFSMounter
    /// persistentVolumeClaim (and generic ephemeral) volumes.
    public var claims: ClaimMounter
    /// subPath binds.
    public var subPaths: SubPathBinder
    /// Mount-table access for teardown checks.
    public var mounter: any Mounter

    /// A manager whose NFS volumes run `nfsDaemonCommand` (the ballast executable's absolute
    /// path and "nfs-fuse").
    public init(nfsDaemonCommand: [String], mounter: any Mounter = LinuxMounter(),
                filesystems: any FilesystemManager = LinuxFilesystemManager()) {
        let nfs = NFSMounter(daemonCommand: nfsDaemonCommand, mounter: mounter)
        self.init(emptyDir: EmptyDirMounter(mounter: mounter), hostPath: HostPathMounter(), gitRepo: GitRepoMounter(mounter: mounter),
                  nfs: nfs, claims: ClaimMounter(nfs: nfs, mounter: mounter, filesystems: filesystems), subPaths: SubPathBinder(mounter: mounter),
                  mounter: mounter)
    }

    /// A manager from its parts.
    public init(emptyDir: EmptyDirMounter, hostPath: HostPathMounter, gitRepo: GitRepoMounter, nfs: NFSMounter, claims: ClaimMounter,
                subPaths: SubPathBinder, mounter: any Mounter) {
        self.emptyDir = emptyDir
        self.hostPath = hostPath
        self.gitRepo = gitRepo
        self.nfs = nfs
        self.claims = claims
        self.subPaths = subPaths
        self.mounter = mounter
    }

    /// The mounter for a data kind.
    private func data(_ kind: VolumeKind) -> DataVolumeMounter { DataVolumeMounter(kind: kind, mounter: mounter) }

    // MARK: - Set-up

    /// Sets up every volume of `pod` (in spec order), keeping what earlier calls made.
    /// - Returns: every volume by name.
    /// - Throws: `PodVolumeError` naming each volume that failed; the others stay set up,
    ///   so a retry only redoes the failed ones.
    public func setUp(pod: Pod, podDirectory: String, inputs: PodVolumeInputs) async throws(PodVolumeError) -> [String: MountedVolume] {
        var mounted: [String: MountedVolume] = [:]
        var failures: [(volume: String, error: VolumeError)] = []
        for volume in pod.spec?.volumes ?? [] {
            let request = VolumeSetUpRequest(volume: volume, pod: pod, podDirectory: podDirectory, inputs: inputs)
            do {
                mounted[volume.name] = try await setUp(request)
            } catch {
                failures.append((volume.name, error))
            }
        }
        guard failures.isEmpty else { throw PodVolumeError(failures: failures) }
        return mounted
    }

    /// Sets up one volume.
    public func setUp(_ request: VolumeSetUpRequest) async throws(VolumeError) -> MountedVolume {
        let source = request.volume.source
        if source.emptyDir != nil { return try await emptyDir.setUp(request) }
        if source.hostPath != nil { return try await hostPath.setUp(request) }
        if source.configMap != nil { return try await data(.configMap).setUp(request) }
        if source.secret != nil { return try await data(.secret).setUp(request) }
        if source.downwardAPI != nil { return try await data(.downwardAPI).setUp(request) }
        if source.projected != nil { return try await data(.projected).setUp(request) }
        if source.gitRepo != nil { return try await gitRepo.setUp(request) }
        if source.nfs != nil { return try await nfs.setUp(request) }
        if source.persistentVolumeClaim != nil { return try await claims.setUp(request) }
        if source.ephemeral != nil {
            // A generic ephemeral volume is the claim "<pod>-<volume>", made with the pod.
            var claimRequest = request
            let claimName = "\(request.pod.metadata.name ?? "")-\(request.volume.name)"
            claimRequest.volume.source = BallastAPI.VolumeSource(persistentVolumeClaim: PersistentVolumeClaimVolumeSource(claimName: claimName))
            return try await claims.setUp(claimRequest)
        }
        let kinds = source.setSourceNames
        throw VolumeError(.invalid, kinds.isEmpty ? "volume \(request.volume.name) names no source"
                                                  : "volume type \(kinds.joined(separator: ", ")) is not supported by Ballast")
    }

    /// Rewrites the configMap, secret, downwardAPI and projected volumes whose data changed
    /// (atomically: readers see the old or the new files, never a mix).
    /// - Returns: the names of the volumes whose files changed.
    public func update(pod: Pod, podDirectory: String, inputs: PodVolumeInputs) async throws(PodVolumeError) -> [String] {
        var changed: [String] = []
        var failures: [(volume: String, error: VolumeError)] = []
        for volume in pod.spec?.volumes ?? [] {
            let source = volume.source
            let kind: VolumeKind? = source.configMap != nil ? .configMap : source.secret != nil ? .secret
                : source.downwardAPI != nil ? .downwardAPI : source.projected != nil ? .projected : nil
            guard let kind else { continue }
            let request = VolumeSetUpRequest(volume: volume, pod: pod, podDirectory: podDirectory, inputs: inputs)
            do {
                if try await data(kind).update(request) { changed.append(volume.name) }
            } catch {
                failures.append((volume.name, error))
            }
        }
        guard failures.isEmpty else { throw PodVolumeError(failures: failures) }
        return changed
    }

    // MARK: - Containers

    /// The bind mounts of `container`: one per volumeMount, in order, subPath and
    /// subPathExpr (expanded from `environment`, the container's resolved variables) bound
    /// safely under `<podDir>/volume-subpaths`.
    /// - Throws: `VolumeError` naming the mount that cannot be made (the container must not start).
    public func containerMounts(for container: Container, volumes: [String: MountedVolume], environment: [String: String],
                                podDirectory: String) throws(VolumeError) -> [ContainerMount] {
        var mounts: [ContainerMount] = []
        for (index, mount) in (container.volumeMounts ?? []).enumerated() {
            guard let volume = volumes[mount.name] else {
                throw VolumeError(.invalid, "cannot find volume \"\(mount.name)\" to mount into container \"\(container.name)\"")
            }
            let readOnly = (mount.readOnly ?? false) || volume.readOnly || volume.kind.isAlwaysReadOnly
            var subPath = mount.subPath ?? ""
            if let expression = mount.subPathExpr, !expression.isEmpty {
                subPath = SubPathExpansion.expand(expression, environment: environment)
                if let problem = SubPathExpansion.problem(with: subPath) {
                    throw VolumeError(.invalid, "unable to expand subPathExpr \"\(expression)\" for volumeMount \"\(mount.name)\" of container \"\(container.name)\": \(subPath) \(problem)")
                }
            }
            var hostPath = volume.hostPath
            if !subPath.isEmpty {
                hostPath = try subPaths.bind(subPath, of: volume, podDirectory: podDirectory, containerName: container.name, index: index,
                                             readOnly: readOnly)
            }
            mounts.append(ContainerMount(volumeName: mount.name, hostPath: hostPath, containerPath: mount.mountPath, readOnly: readOnly,
                                         propagation: mount.mountPropagation ?? "None"))
        }
        return mounts
    }

    /// Removes the subPath binds of a container that ended (before it is started again or
    /// removed).
    public func tearDownContainer(podDirectory: String, containerName: String) throws(VolumeError) {
        try subPaths.cleanUp(podDirectory: podDirectory, containerName: containerName)
    }

    // MARK: - Teardown

    /// Unmounts and removes every volume of the pod at `podDirectory`, from what is on disk
    /// (the pod may be gone from the API): subPath binds first, then each volume by its
    /// kind's directory, then the empty directories. NFS volumes never wait on their server.
    /// - Throws: `PodVolumeError` for volumes that stay mounted; nothing below a mount is
    ///   ever deleted, and a later call retries.
    public func tearDown(podDirectory: String) async throws(PodVolumeError) {
        var failures: [(volume: String, error: VolumeError)] = []
        do {
            try subPaths.cleanUp(podDirectory: podDirectory, containerName: nil)
        } catch {
            failures.append(("volume-subpaths", error))
        }
        for kind in VolumeKind.allCases {
            var names = Set(Self.entries(of: podDirectory + "/volumes/" + kind.rawValue))
            names.formUnion(Self.entries(of: podDirectory + "/plugins/" + kind.rawValue))
            for name in names.sorted() {
                do {
                    try await tearDown(volumeName: name, kind: kind, podDirectory: podDirectory)
                } catch {
                    failures.append((name, error))
                }
            }
            VolumeDirectory.removeIfEmpty(podDirectory + "/volumes/" + kind.rawValue)
            VolumeDirectory.removeIfEmpty(podDirectory + "/plugins/" + kind.rawValue)
        }
        VolumeDirectory.removeIfEmpty(podDirectory + "/volumes")
        VolumeDirectory.removeIfEmpty(podDirectory + "/plugins")
        guard failures.isEmpty else { throw PodVolumeError(failures: failures) }
    }

    /// Tears down one volume of a kind.
    public func tearDown(volumeName name: String, kind: VolumeKind, podDirectory: String) async throws(VolumeError) {
        switch kind {
        case .emptyDir: try await emptyDir.tearDown(volumeName: name, podDirectory: podDirectory)
        case .hostPath: try await hostPath.tearDown(volumeName: name, podDirectory: podDirectory)
        case .configMap, .secret, .downwardAPI, .projected: try await data(kind).tearDown(volumeName: name, podDirectory: podDirectory)
        case .gitRepo: try await gitRepo.tearDown(volumeName: name, podDirectory: podDirectory)
        case .nfs: try await nfs.tearDown(volumeName: name, podDirectory: podDirectory)
        case .localVolume: try claims.tearDownLocal(volumeName: name, podDirectory: podDirectory)
        case .blockDevice: try await claims.tearDown(volumeName: name, podDirectory: podDirectory)
        }
    }

    /// Re-mounts NFS volumes of the pod whose FUSE daemon died, so running containers see
    /// their data again; the agent calls it periodically.
    /// - Returns: the names of the volumes remounted.
    public func repairNFSVolumes(podDirectory: String) async -> [String] {
        var repaired: [String] = []
        for name in Self.entries(of: podDirectory + "/plugins/" + VolumeKind.nfs.rawValue).sorted() {
            if (try? await nfs.repair(volumeName: name, podDirectory: podDirectory)) == true { repaired.append(name) }
        }
        return repaired
    }

    private static func entries(of directory: String) -> [String] {
        (try? FileHandleAt.open(directory).entries()) ?? []
    }
}
