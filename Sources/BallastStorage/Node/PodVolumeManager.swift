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
/// // With linux.rootfsPropagation "rslave" as well (runc's default; crun needs it, and its
/// // wrapper's namespace must be a slave too: runtime-recipe 2.25), an NFS volume whose
/// // FUSE daemon is replaced by repairNFSVolumes reaches running containers again.
/// _ = try await volumes.update(pod: pod, podDirectory: dir, inputs: newInputs)          // ConfigMap/Secret changed
/// for violation in await volumes.emptyDirLimitViolations(of: pod, podDirectory: dir) { … } // evict: reason Evicted
/// _ = await volumes.repairNFSVolumes(podDirectory: dir)                                 // periodically: a dead FUSE daemon replaced
/// try volumes.tearDownContainer(podDirectory: dir, containerName: name)                 // before a container restarts or goes
/// try await volumes.tearDown(podDirectory: dir)                                         // pod gone: works from disk alone
/// ```
///
/// Volumes live at `<podDir>/volumes/<kind>/<name>` (hostPath volumes stay where they are);
/// what a mounter must remember sits in `<podDir>/plugins/<kind>/<name>`; subPath binds in
/// `<podDir>/volume-subpaths`. Every step is idempotent: after a crash the agent calls the
/// same method again. The pod directory may be given through symlinks: every method
/// resolves it first, so returned host paths are the real ones the mount table shows.
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
        let podDirectory = Self.canonical(podDirectory)
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
        var request = request
        request.podDirectory = Self.canonical(request.podDirectory)
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
        let podDirectory = Self.canonical(podDirectory)
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
        let podDirectory = Self.canonical(podDirectory)
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
        let podDirectory = Self.canonical(podDirectory)
        try subPaths.cleanUp(podDirectory: podDirectory, containerName: containerName)
    }

    // MARK: - Teardown

    /// Unmounts and removes every volume of the pod at `podDirectory`, from what is on disk
    /// (the pod may be gone from the API): subPath binds first, then each volume by its
    /// kind's directory, then the empty directories. NFS volumes never wait on their server.
    /// - Throws: `PodVolumeError` for volumes that stay mounted; nothing below a mount is
    ///   ever deleted, and a later call retries.
    public func tearDown(podDirectory: String) async throws(PodVolumeError) {
        let podDirectory = Self.canonical(podDirectory)
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
        let podDirectory = Self.canonical(podDirectory)
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

    // MARK: - Upkeep

    /// The disk emptyDir volumes of `pod` whose usage exceeds their sizeLimit, each with
    /// the message of the eviction the agent then makes (reason "Evicted"): this kernel has
    /// no quotas, so the agent calls this periodically for every running pod. Measures on a
    /// thread of its own, never on the cooperative pool (a big volume takes a while).
    public func emptyDirLimitViolations(of pod: Pod, podDirectory: String) async -> [(volume: String, message: String)] {
        let podDirectory = Self.canonical(podDirectory)
        return await NFSMounter.offPool { EmptyDirMounter.limitViolations(of: pod, podDirectory: podDirectory) }
    }

    /// Re-mounts NFS volumes of the pod whose FUSE daemon died, so running containers see
    /// their data again; the agent calls it periodically.
    /// - Returns: the names of the volumes remounted.
    public func repairNFSVolumes(podDirectory: String) async -> [String] {
        let podDirectory = Self.canonical(podDirectory)
        var repaired: [String] = []
        for name in Self.entries(of: podDirectory + "/plugins/" + VolumeKind.nfs.rawValue).sorted() {
            if (try? await nfs.repair(volumeName: name, podDirectory: podDirectory)) == true { repaired.append(name) }
        }
        return repaired
    }

    /// `podDirectory` with symlinks resolved, as /proc/self/mountinfo names mount points
    /// (so mounts made under it are found again by path): its longest existing prefix
    /// resolved, the rest (not made yet) appended. Resolving it cannot hang: the pod
    /// directory is the agent's, never a network mount.
    static func canonical(_ podDirectory: String) -> String {
        var existing = podDirectory
        var missing: [Substring] = []
        while !existing.isEmpty {
            if let resolved = realpath(existing, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                return missing.reversed().reduce(base) { $0.hasSuffix("/") ? $0 + $1 : $0 + "/" + $1 }
            }
            guard let slash = existing.lastIndex(of: "/") else { break }
            let component = existing[existing.index(after: slash)...]
            if !component.isEmpty { missing.append(component) }
            existing = String(existing[..<slash])
            if existing.isEmpty { existing = "/" }
            if existing == "/" && component.isEmpty { break }
        }
        return podDirectory
    }

    private static func entries(of directory: String) -> [String] {
        (try? FileHandleAt.open(directory).entries()) ?? []
    }
}
