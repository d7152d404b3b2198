internal import CFuse3
import Glibc
import Synchronization

/// The NFS FUSE daemon: a read-write filesystem over an NFS export through libnfs, for a
/// kernel with no NFS client (DESIGN.md, "This machine"). One process per mounted volume,
/// started by `NFSMounter` as `ballast nfs-fuse`, so a crash cannot take the agent down.
///
/// Every request is made as the caller: the filesystem keeps one libnfs context per
/// uid/gid (INTEROP pitfall 12), so a file written by uid 999 in a pod is owned by 999 on
/// the server, and the server's own permission checks (root squash included) apply as for
/// a kernel client. The kernel checks permissions first (default_permissions), and other
/// users may use the mount (allow_other), as containers run as any user.
public enum NFSFuse {
    /// Connects (as root) to check that the export answers, then mounts and serves until
    /// unmounted or sent SIGTERM/SIGINT/SIGHUP. Blocks; always in the foreground (never let
    /// libfuse fork a process that runs Swift threads: INTEROP pitfall 17).
    /// - Returns: the process exit status (0 after a clean unmount).
    public static func run(_ configuration: NFSFuseConfiguration) -> Int32 {
        for problem in configuration.problems { printError("ballast nfs-fuse: \(problem)") }
        guard configuration.problems.isEmpty else { return 2 }
        let root: NFSFuseConnection
        switch NFSFuseConnection.connect(configuration, uid: 0, gid: 0) {
        case .success(let connection): root = connection
        case .failure(let error):
            printError("ballast nfs-fuse: cannot mount \(configuration.sourceName): \(error)")
            return 1
        }
        let filesystem = Unmanaged.passRetained(NFSFuseFilesystem(configuration: configuration, root: root))
        defer { filesystem.release() }
        var operations = NFSFuseOperations.table()
        var options = "allow_other,default_permissions,fsname=\(configuration.sourceName),subtype=ballast-nfs"
        if configuration.readOnly { options += ",ro" }
        let arguments = ["ballast-nfs-fuse", "-f", "-o", options, configuration.mountPoint]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        return cfuse_main(Int32(arguments.count), &argv, &operations, filesystem.toOpaque())
    }

    static func printError(_ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}

/// The daemon's state: its configuration and a libnfs connection per caller identity.
final class NFSFuseFilesystem: Sendable {
    let configuration: NFSFuseConfiguration
    private let connections: Mutex<[UInt64: NFSFuseConnection]>

    init(configuration: NFSFuseConfiguration, root: NFSFuseConnection) {
        self.configuration = configuration
        self.connections = Mutex([0: root])
    }

    /// The connection that speaks as `uid`/`gid`, made on first use; nil when the server
    /// refuses or does not answer.
    func connection(uid: UInt32, gid: UInt32) -> NFSFuseConnection? {
        let key = UInt64(uid) << 32 | UInt64(gid)
        if let existing = connections.withLock({ $0[key] }) { return existing }
        // Connect outside the lock: other callers keep working meanwhile. Two first calls
        // of one identity may both connect; the first stored wins.
        guard case .success(let made) = NFSFuseConnection.connect(configuration, uid: uid, gid: gid) else { return nil }
        return connections.withLock { table in
            if let existing = table[key] { return existing }
            table[key] = made
            return made
        }
    }
}

/// An open file: its handle belongs to the connection that opened it.
final class NFSFuseOpenFile: Sendable {
    let connection: NFSFuseConnection
    let handle: UInt

    init(connection: NFSFuseConnection, handle: UInt) {
        self.connection = connection
        self.handle = handle
    }
}
