import BallastAPI
import BallastStorage
import BallastTesting
import Foundation
import Testing

/// Helpers for the node volume tests, which mount for real (tmpfs, binds, FUSE) and so
/// need root.
enum NodeTest {
    /// Runs as root, and always in CI (where a missing prerequisite then fails the test).
    static func enabled() -> ConditionTrait {
        .enabled(if: LoopVolumeGroup.Prerequisites.isCI || getuid() == 0, "mounts need root")
    }

    /// A fresh pod directory (its path resolved, as the agent's would be), removed afterwards
    /// after unmounting anything a failed test left mounted in it.
    static func withPodDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        try LoopVolumeGroup.Prerequisites.require()
        let scratch = try LoopVolumeGroup.makeScratchDirectory(tag: "pod")
        defer { LoopVolumeGroup.removeScratchDirectory(scratch) }
        let resolved = URL(fileURLWithPath: scratch).resolvingSymlinksInPath().path
        return try await body(resolved)
    }

    /// The command that runs the NFS FUSE daemon: the built ballast executable (or
    /// $BALLAST_BIN) with "nfs-fuse".
    static var daemonCommand: [String] {
        get throws { [try BallastBinary.path, "nfs-fuse"] }
    }

    /// A volume manager; its NFS daemon command is a placeholder unless `nfs` is set.
    static func manager(nfs: Bool = false) throws -> PodVolumeManager {
        PodVolumeManager(nfsDaemonCommand: nfs ? try daemonCommand : ["/nonexistent/ballast", "nfs-fuse"])
    }

    /// A pod named `name` with a fixed uid, these volumes and containers.
    static func pod(_ name: String = "web", volumes: [Volume], containers: [Container] = [], fsGroup: Int64? = nil,
                    fsGroupChangePolicy: String? = nil, labels: [String: String]? = nil) -> Pod {
        var metadata = ObjectMeta(name: name, namespace: "default")
        metadata.uid = "uid-\(name)"
        metadata.labels = labels
        var spec = PodSpec(containers: containers)
        spec.volumes = volumes
        if fsGroup != nil || fsGroupChangePolicy != nil {
            spec.securityContext = PodSecurityContext(fsGroup: fsGroup, fsGroupChangePolicy: fsGroupChangePolicy)
        }
        return Pod(metadata: metadata, spec: spec)
    }

    /// The mount points at or below `path`.
    static func mounts(under path: String) -> [String] {
        ((try? LinuxMounter().mounts()) ?? []).map(\.mountPoint).filter { $0 == path || $0.hasPrefix(path + "/") }
    }

    /// The mount entry at `path`, the topmost.
    static func mount(at path: String) -> MountEntry? {
        ((try? LinuxMounter().mounts()) ?? []).last { $0.mountPoint == path }
    }

    /// The text of a file.
    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// Writes a file.
    static func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    /// lstat: permission bits, owner, group and type bits.
    static func status(_ path: String) -> (mode: UInt32, uid: UInt32, gid: UInt32, type: UInt32)? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return (UInt32(st.st_mode) & 0o7777, st.st_uid, st.st_gid, UInt32(st.st_mode & S_IFMT))
    }

    /// Runs a shell command line as `uid`:`gid` in a child process (a "container" at this
    /// layer: another process, another user) and returns its exit status and output.
    static func run(as uid: UInt32 = 0, gid: UInt32 = 0, _ script: String) throws -> CommandResult {
        if uid == 0 && gid == 0 { return try CommandRunner.run("/bin/sh", ["-c", script]) }
        return try CommandRunner.run(try LoopVolumeGroup.Prerequisites.tool("setpriv"),
                                     ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "/bin/sh", "-c", script])
    }
}
