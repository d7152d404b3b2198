public import BallastAPI
import Foundation
// A release build resolves struct statvfs to the copy in fuse3's headers: without this
// import its members are not visible there (MemberImportVisibility).
import CFuse3
import Glibc
import Synchronization

/// NFS volumes (inline `nfs` sources and claims bound to NFS persistent volumes), seen by
/// pods through the FUSE client (`ballast nfs-fuse`, one daemon process per volume), since
/// this kernel has no NFS client.
///
/// The volume directory is first bind mounted on itself and made a shared mount. The daemon
/// mounts at a staging directory in the volume's plugin directory; that mount is bound on
/// top of the volume directory (so it is shared too) and the staging mount detached.
/// Containers bind the volume with rslave propagation: their copy is a slave of the FUSE
/// layer. When a daemon dies (`Transport endpoint is not connected`), `repair` stacks a new
/// layer the same way on top of the dead one, which stays (running containers hold copies
/// of it), so the new layer propagates onto their copies and they see the data again.
/// Nothing stat()s the volume path while a dead layer may be on top of it.
///
/// NFSv4 (a PV with `nfsvers=4`) works as NFSv3 does for files; the mode and owner of a
/// directory cannot be changed there (libnfs 4.0 sets attributes by OPENing): a known gap,
/// so NFSv3 stays the default.
///
/// Nothing here waits on the NFS server when unmounting: teardown detaches the mount
/// lazily (MNT_DETACH, no stat of the dead mount point) and stops the daemon with SIGTERM,
/// then SIGKILL, so a dead server never wedges pod deletion (storage-rules.md pain 10).
public struct NFSMounter: VolumeMounter {
    /// The daemon's command line before its own arguments: the absolute path of the
    /// ballast executable and "nfs-fuse".
    public var daemonCommand: [String]
    /// Reads the mount table and makes the shared bind.
    public var mounter: any Mounter
    /// How long a new daemon may take to mount.
    public var readyTimeout: Duration
    /// How long a daemon gets to exit after SIGTERM before SIGKILL.
    public var stopGrace: Duration
    /// How long one NFS call in the daemon may wait for the server.
    public var callTimeoutSeconds: Int

    /// A mounter starting `daemonCommand` + arguments for each volume.
    public init(daemonCommand: [String], mounter: any Mounter = LinuxMounter(), readyTimeout: Duration = .seconds(30),
                stopGrace: Duration = .seconds(2), callTimeoutSeconds: Int = 10) {
        self.daemonCommand = daemonCommand
        self.mounter = mounter
        self.readyTimeout = readyTimeout
        self.stopGrace = stopGrace
        self.callTimeoutSeconds = callTimeoutSeconds
    }

    /// The NFS kind.
    public var kind: VolumeKind { .nfs }

    /// Mounts an inline `nfs` volume (NFSv3, ports from the portmapper); see `VolumeMounter.setUp`.
    public func setUp(_ request: VolumeSetUpRequest) async throws(VolumeError) -> MountedVolume {
        guard let source = request.volume.source.nfs else {
            throw VolumeError(.invalid, "volume \(request.volume.name) is not an nfs volume")
        }
        return try await mount(source, options: NFSMountOptions(), readOnly: source.readOnly ?? false, volumeName: request.volume.name,
                               podDirectory: request.podDirectory)
    }

    /// Mounts `source` for volume `volumeName` of the pod at `podDirectory`: kept when a live
    /// FUSE mount is there, remounted when the one there is dead, made otherwise.
    /// - Throws: `VolumeError` `.unavailable` when the server does not answer (retry later).
    public func mount(_ source: NFSVolumeSource, options: NFSMountOptions, readOnly: Bool, volumeName: String,
                      podDirectory: String) async throws(VolumeError) -> MountedVolume {
        let paths = try await Self.paths(for: volumeName, podDirectory: podDirectory, create: true)
        let configuration = NFSFuseConfiguration(
            server: source.server, export: source.path, version: options.version, port: options.port, mountPort: options.mountPort,
            readOnly: readOnly || options.readOnly, timeoutSeconds: callTimeoutSeconds, mountPoint: paths.staging)
        if let problem = configuration.problems.first { throw VolumeError(.invalid, problem) }
        let mounted = MountedVolume(name: volumeName, kind: kind, hostPath: paths.volume, readOnly: configuration.readOnly)
        if try await isHealthy(paths) { return mounted }
        try prepareSharedBind(paths.volume)
        try save(configuration, in: paths)
        try await start(configuration, paths: paths)
        return mounted
    }

    /// Whether the volume's FUSE mount is there and answers; nil when the volume was never
    /// set up (or is torn down).
    public func isHealthy(volumeName: String, podDirectory: String) async throws(VolumeError) -> Bool? {
        let paths = try await Self.paths(for: volumeName, podDirectory: podDirectory, create: false)
        guard access(paths.state + "/command", F_OK) == 0 else { return nil }
        return try await isHealthy(paths)
    }

    /// Remounts the volume if its daemon died (or hangs), with the configuration it was
    /// mounted with, so running containers see the data again.
    /// - Returns: whether a new daemon was started.
    @discardableResult
    public func repair(volumeName: String, podDirectory: String) async throws(VolumeError) -> Bool {
        let paths = try await Self.paths(for: volumeName, podDirectory: podDirectory, create: false)
        guard let configuration = load(paths) else { return false }
        if try await isHealthy(paths) { return false }
        try prepareSharedBind(paths.volume)
        try await start(configuration, paths: paths)
        return true
    }

    /// Detaches the FUSE layers and the shared bind, stops the daemon, and removes the
    /// directories; returns promptly even when the server or the daemon is gone.
    public func tearDown(volumeName name: String, podDirectory: String) async throws(VolumeError) {
        let paths = try await Self.paths(for: name, podDirectory: podDirectory, create: false)
        let pid = readPid(paths)
        try detachAll(paths.volume)
        try detachAll(paths.staging)
        if let pid { await Self.offPool { DaemonProcess.stop(pid, marker: paths.staging, grace: stopGrace) } }
        try VolumeDirectory.remove(paths.volume, mounter: mounter)
        try VolumeDirectory.remove(paths.state, mounter: mounter)
    }

    // MARK: - Plumbing

    struct Paths {
        /// The mount point (parent resolved, never stat'ed itself).
        var volume: String
        /// pid file, log and saved configuration.
        var state: String
        /// Where the daemon mounts, before the mount is bound onto `volume`.
        var staging: String { state + "/mnt" }
    }

    /// The volume's paths, with the kind directory resolved (it is never a FUSE mount, so
    /// resolving it cannot hang).
    static func paths(for name: String, podDirectory: String, create: Bool) async throws(VolumeError) -> Paths {
        let podDirectory = PodVolumeManager.canonical(podDirectory)
        let parent = podDirectory + "/volumes/" + VolumeKind.nfs.rawValue
        let state = VolumeKind.nfs.stateDirectory(for: name, podDirectory: podDirectory)
        if create {
            try VolumeDirectory.make(parent, mode: 0o750)
            try VolumeDirectory.make(state, mode: 0o700)
        }
        guard let resolved = realpath(parent, nil) else {
            return Paths(volume: parent + "/" + name, state: state)
        }
        defer { free(resolved) }
        return Paths(volume: String(cString: resolved) + "/" + name, state: state)
    }

    private func mountsAt(_ path: String) throws(VolumeError) -> [MountEntry] {
        do {
            return try mounter.mounts().filter { $0.mountPoint == path }
        } catch {
            throw VolumeError(.failed, "reading the mount table: \(error)")
        }
    }

    private func isHealthy(_ paths: Paths) async throws(VolumeError) -> Bool {
        guard let top = try mountsAt(paths.volume).last, top.fileSystemType.hasPrefix("fuse") else { return false }
        // statvfs of the mount's root: ENOTCONN from a dead daemon, EIO after the call
        // timeout from a daemon whose server is gone. Not stat: the kernel answers that from
        // its attribute cache for a second after the daemon died. Off the cooperative pool:
        // it may block.
        let volume = paths.volume
        let seconds = callTimeoutSeconds
        return await Self.offPool { () -> Bool in
            let answered = Mutex<Bool?>(nil)
            let thread = Thread {
                var st = statvfs()
                let ok = statvfs(volume, &st) == 0
                answered.withLock { $0 = ok }
            }
            thread.start()
            let deadline = ContinuousClock.now + .seconds(seconds + 5)
            while ContinuousClock.now < deadline {
                if let result = answered.withLock({ $0 }) { return result }
                usleep(10_000)
            }
            return false
        }
    }

    /// Makes the volume directory a shared mount of itself, so that the FUSE layers bound on
    /// it are shared and reach the containers' rslave copies. With FUSE layers already on
    /// it (a repair), nothing is done: the self-bind below them was made shared before, and
    /// the path must not be resolved through a dead layer.
    private func prepareSharedBind(_ volume: String) throws(VolumeError) {
        let stack = try mountsAt(volume)
        guard stack.count <= 1 else { return }
        if stack.isEmpty {
            if Glibc.mkdir(volume, 0o750) != 0 && errno != EEXIST {
                throw VolumeError(.failed, SystemCallError("mkdir", path: volume, errno: errno).description)
            }
            do {
                try mounter.bind(volume, at: volume, recursive: false, flags: [])
            } catch {
                throw VolumeError(.failed, "bind mounting \(volume) on itself: \(error)")
            }
        }
        do {
            try mounter.setPropagation(volume, .shared, recursive: false)
        } catch {
            throw VolumeError(.failed, "making \(volume) a shared mount: \(error)")
        }
    }

    /// Bind mounts `source` on `target` with mount(2), without resolving or stat'ing
    /// `target` (whose top may be a dead FUSE layer: only the kernel's path walk, which
    /// asks no daemon about a mount's root, reaches it). Mounter.bind resolves its target,
    /// so this one call goes to mount(2) here, as `detach` goes to umount2(2).
    static func bindWithoutResolving(_ source: String, onto target: String) throws(VolumeError) {
        // MS_BIND (4096).
        if Glibc.mount(source, target, nil, 4096, nil) != 0 {
            throw VolumeError(.failed, "binding the FUSE mount onto \(target): \(SystemCallError("mount --bind", path: target, errno: errno))")
        }
    }

    /// Lazily unmounts the top mount at `path` without resolving or stat'ing it.
    static func detach(_ path: String) throws(VolumeError) {
        // MNT_DETACH (2) | UMOUNT_NOFOLLOW (8).
        if umount2(path, 2 | 8) != 0 && errno != EINVAL && errno != ENOENT {
            throw VolumeError(.failed, SystemCallError("umount", path: path, errno: errno).description)
        }
    }

    private func detachAll(_ path: String) throws(VolumeError) {
        var remaining = try mountsAt(path).count
        while remaining > 0 {
            try Self.detach(path)
            let now = try mountsAt(path).count
            guard now < remaining else { throw VolumeError(.failed, "\(path) stays mounted after umount") }
            remaining = now
        }
    }

    private func arguments(_ configuration: NFSFuseConfiguration) -> [String] {
        var arguments = ["--server", configuration.server, "--export", configuration.export]
        if let port = configuration.port { arguments += ["--port", String(port)] }
        if let port = configuration.mountPort { arguments += ["--mount-port", String(port)] }
        if configuration.version == .v4 { arguments += ["--nfs-version", "4"] }
        if configuration.readOnly { arguments.append("--read-only") }
        arguments += ["--timeout", String(configuration.timeoutSeconds), configuration.mountPoint]
        return arguments
    }

    /// Starts a daemon mounting at the staging directory, then stacks its mount on the
    /// volume (see the type's summary).
    private func start(_ configuration: NFSFuseConfiguration, paths: Paths) async throws(VolumeError) {
        if let old = readPid(paths) {
            await Self.offPool { DaemonProcess.stop(old, marker: paths.staging, grace: stopGrace) }
        }
        // A staging mount a crash left behind goes first.
        try detachAll(paths.staging)
        if Glibc.mkdir(paths.staging, 0o700) != 0 && errno != EEXIST {
            throw VolumeError(.failed, SystemCallError("mkdir", path: paths.staging, errno: errno).description)
        }
        let log = paths.state + "/daemon.log"
        let pid = try DaemonProcess.spawn(daemonCommand + arguments(configuration), logFile: log)
        try write(String(pid), to: paths.state + "/daemon.pid")
        let deadline = ContinuousClock.now + readyTimeout
        while ContinuousClock.now < deadline {
            if let top = try mountsAt(paths.staging).last, top.fileSystemType.hasPrefix("fuse") {
                do {
                    try Self.bindWithoutResolving(paths.staging, onto: paths.volume)
                } catch {
                    try? detachAll(paths.staging)
                    await Self.offPool { DaemonProcess.stop(pid, marker: paths.staging, grace: stopGrace) }
                    throw error
                }
                // The layer on the volume keeps the filesystem (and the daemon) alive.
                try detachAll(paths.staging)
                return
            }
            if !DaemonProcess.isRunning(pid, marker: paths.staging) {
                let tail = Self.tail(of: log)
                let unavailable = tail.contains("did not answer") || tail.contains("nfs_service") || tail.contains("timed out")
                    || tail.contains("Failed to start connection") || tail.contains("errno 111") || tail.contains("errno 110")
                let exit = DaemonProcess.exitStatus(of: pid).map { " (exit status \($0))" } ?? ""
                throw VolumeError(unavailable ? .unavailable : .failed,
                                  "mount of NFS export \(configuration.sourceName) failed: \(tail.isEmpty ? "the FUSE daemon exited\(exit)" : tail)")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        await Self.offPool { DaemonProcess.stop(pid, marker: paths.staging, grace: stopGrace) }
        try? detachAll(paths.staging)
        throw VolumeError(.unavailable, "mount of NFS export \(configuration.sourceName) did not appear within \(readyTimeout)")
    }

    private func save(_ configuration: NFSFuseConfiguration, in paths: Paths) throws(VolumeError) {
        let lines = [configuration.server, configuration.export, String(configuration.version.rawValue),
                     configuration.port.map(String.init) ?? "", configuration.mountPort.map(String.init) ?? "",
                     configuration.readOnly ? "ro" : "rw", String(configuration.timeoutSeconds)]
        try write(lines.joined(separator: "\n"), to: paths.state + "/command")
    }

    private func load(_ paths: Paths) -> NFSFuseConfiguration? {
        guard let text = try? String(contentsOfFile: paths.state + "/command", encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 7, let version = Int(lines[2]).flatMap(NFSVersion.init(rawValue:)), let timeout = Int(lines[6]) else { return nil }
        return NFSFuseConfiguration(server: lines[0], export: lines[1], version: version, port: Int(lines[3]), mountPort: Int(lines[4]),
                                    readOnly: lines[5] == "ro", timeoutSeconds: timeout, mountPoint: paths.staging)
    }

    private func readPid(_ paths: Paths) -> pid_t? {
        guard let text = try? String(contentsOfFile: paths.state + "/daemon.pid", encoding: .utf8) else { return nil }
        return pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func write(_ text: String, to path: String) throws(VolumeError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw VolumeError(.failed, "writing \(path): \(error)")
        }
    }

    static func tail(of log: String) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(3).joined(separator: "; ")
    }

    /// Runs blocking work on a thread of its own, never on the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }
}
