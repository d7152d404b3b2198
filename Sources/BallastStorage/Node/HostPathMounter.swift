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
    /// - Throws: `VolumeError` `.invalid` with upstream's message followed by the rule of
    ///   the type that was broken: `hostPath type check failed: /tmp is not a file, it's a
    ///   Directory (type "File": an existing file must be at the path)`.
    public static func check(_ source: HostPathVolumeSource) throws(VolumeError) {
        let path = source.path
        let type = source.type ?? ""
        switch type {
        case "":
            return
        case "DirectoryOrCreate":
            if !exists(path) { try makeDirectory(path, type: type) }
            try matches(path, type: type, "Directory", "directory")
        case "Directory":
            try matches(path, type: type, "Directory", "directory")
        case "FileOrCreate":
            if !exists(path) { try makeFile(path, type: type) }
            try matches(path, type: type, "File", "file")
        case "File":
            try matches(path, type: type, "File", "file")
        case "Socket":
            try matches(path, type: type, "Socket", "socket file")
        case "CharDevice":
            try matches(path, type: type, "CharDevice", "character device")
        case "BlockDevice":
            try matches(path, type: type, "BlockDevice", "block device")
        default:
            throw VolumeError(.invalid, "\(type) is an invalid volume type (hostPath type must be one of \"\", "
                                  + "DirectoryOrCreate, Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice)")
        }
    }

    /// What a type asks of the path, in words, for the end of an error message.
    static func rule(of type: String) -> String {
        let rule = switch type {
        case "DirectoryOrCreate": "a directory is made (with its parents, mode 0755) when nothing is at the path; else a directory must be there"
        case "Directory": "an existing directory must be at the path"
        case "FileOrCreate": "an empty file is made (mode 0644, never its parent directory) when nothing is at the path; else a file must be there"
        case "File": "an existing file must be at the path"
        case "Socket": "an existing UNIX socket must be at the path"
        case "CharDevice": "an existing character device must be at the path"
        case "BlockDevice": "an existing block device must be at the path"
        default: "no check"
        }
        return "(type \"\(type)\": \(rule))"
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

    private static func matches(_ path: String, type: String, _ expected: String, _ description: String) throws(VolumeError) {
        var st = stat()
        guard stat(path, &st) == 0 else {
            let reason = errno == ENOENT ? "doesn't exist" : "cannot be checked: \(String(cString: strerror(errno)))"
            throw VolumeError(.invalid, "hostPath type check failed: \(path) \(reason) \(rule(of: type))")
        }
        guard let actual = fileType(st) else {
            throw VolumeError(.invalid, "hostPath type check failed, \(path) is not a \(description), unable to determine its type: only recognise file, directory, socket, block device and character device \(rule(of: type))")
        }
        guard actual == expected else {
            throw VolumeError(.invalid, "hostPath type check failed: \(path) is not a \(description), it's a \(actual) \(rule(of: type))")
        }
    }

    private static func makeDirectory(_ path: String, type: String) throws(VolumeError) {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) == 0 {
                // The mode the rule promises, whatever the agent's umask (lvm2_init sets 077).
                _ = chmod(current, 0o755)
            } else if errno != EEXIST {
                throw VolumeError(.failed, "hostPath type check failed: cannot make directory \(current): \(String(cString: strerror(errno))) \(rule(of: type))")
            }
        }
    }

    private static func makeFile(_ path: String, type: String) throws(VolumeError) {
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            if errno == EEXIST { return }
            let kind: VolumeError.Kind = errno == ENOENT ? .invalid : .failed
            throw VolumeError(kind, "hostPath type check failed: cannot make file \(path): \(String(cString: strerror(errno))) \(rule(of: type))")
        }
        _ = fchmod(fd, 0o644)
        close(fd)
    }
}
