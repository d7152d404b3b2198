public import BallastAPI
import Glibc

/// hostPath volumes: a node path, used where it is (containers bind it directly; nothing is
/// made under the pod directory, nothing is torn down), after the type check the volume
/// asks for (storage-rules.md rule 14), with upstream's messages.
public struct HostPathMounter: VolumeMounter {
    /// A mounter.
    public init() {}

    /// The hostPath kind.
    public var kind: VolumeKind { .hostPath }

    /// Checks (and for the *OrCreate types makes) the path; see `VolumeMounter.setUp`.
    public func setUp(_ request: VolumeSetUpRequest) async throws(VolumeError) -> MountedVolume {
        guard let source = request.volume.source.hostPath else {
            throw VolumeError(.invalid, "volume \(request.volume.name) is not a hostPath volume")
        }
        try Self.check(source)
        return MountedVolume(name: request.volume.name, kind: kind, hostPath: source.path, readOnly: false)
    }

    /// Nothing to undo: the path belongs to the node.
    public func tearDown(volumeName name: String, podDirectory: String) async throws(VolumeError) {}

    /// Upstream's checkType: "" checks nothing; DirectoryOrCreate makes the directory (and
    /// its parents) 0755; FileOrCreate makes an empty 0644 file but never its parent; the
    /// other types must already exist as that type. Symlinks are followed, as upstream.
    /// - Throws: `VolumeError` `.invalid` with upstream's message ("hostPath type check
    ///   failed: /tmp is not a file, it's a Directory").
    public static func check(_ source: HostPathVolumeSource) throws(VolumeError) {
        let path = source.path
        let type = source.type ?? ""
        switch type {
        case "":
            return
        case "DirectoryOrCreate":
            if !exists(path) { try makeDirectory(path) }
            try matches(path, "Directory", "directory")
        case "Directory":
            try matches(path, "Directory", "directory")
        case "FileOrCreate":
            if !exists(path) { try makeFile(path) }
            try matches(path, "File", "file")
        case "File":
            try matches(path, "File", "file")
        case "Socket":
            try matches(path, "Socket", "socket file")
        case "CharDevice":
            try matches(path, "CharDevice", "character device")
        case "BlockDevice":
            try matches(path, "BlockDevice", "block device")
        default:
            throw VolumeError(.invalid, "\(type) is an invalid volume type")
        }
    }

    private static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// The upstream name of the type of what `path` resolves to, or nil for a FIFO.
    private static func fileType(_ st: stat) -> String? {
        switch st.fileType {
        case S_IFSOCK: "Socket"
        case S_IFREG: "File"
        case S_IFDIR: "Directory"
        case S_IFBLK: "BlockDevice"
        case S_IFCHR: "CharDevice"
        default: nil
        }
    }

    private static func matches(_ path: String, _ expected: String, _ description: String) throws(VolumeError) {
        var st = stat()
        guard stat(path, &st) == 0 else { throw VolumeError(.invalid, "hostPath \(path) doesn't exist") }
        guard let actual = fileType(st) else {
            throw VolumeError(.invalid, "hostPath type check failed, \(path) is not a \(description), unable to determine its type: only recognise file, directory, socket, block device and character device")
        }
        guard actual == expected else {
            throw VolumeError(.invalid, "hostPath type check failed: \(path) is not a \(description), it's a \(actual)")
        }
    }

    private static func makeDirectory(_ path: String) throws(VolumeError) {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) == 0 {
                // The mode the rule promises, whatever the agent's umask (lvm2_init sets 077).
                _ = chmod(current, 0o755)
            } else if errno != EEXIST {
                throw VolumeError(.failed, "mkdir \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func makeFile(_ path: String) throws(VolumeError) {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == EEXIST { return }
            throw VolumeError(.failed, "open \(path): \(String(cString: strerror(errno)))")
        }
        _ = fchmod(fd, 0o644)
        close(fd)
    }
}
