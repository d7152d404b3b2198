/// What kind of object a path names on the server.
public enum NFSFileType: Sendable, Equatable {
    /// A regular file.
    case regular
    /// A directory.
    case directory
    /// A symbolic link (never followed by the scrub or the tree removal).
    case symlink
    /// Sockets, FIFOs and device nodes: removed like files, never entered.
    case other
}

/// The attributes of one object on an NFS export (an lstat or stat result).
public struct NFSFileStatus: Sendable, Equatable {
    /// What the object is (from lstat: a symlink is a symlink).
    public var type: NFSFileType
    /// The permission bits, including setuid, setgid and sticky (mode & 0o7777).
    public var permissions: UInt32
    /// The owner.
    public var uid: UInt32
    /// The group.
    public var gid: UInt32
    /// The size in bytes.
    public var size: UInt64
    /// The file id on the server.
    public var inode: UInt64
    /// The number of hard links.
    public var linkCount: UInt64

    /// Makes a status (tests build expected values with it).
    public init(type: NFSFileType, permissions: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, size: UInt64 = 0, inode: UInt64 = 0,
                linkCount: UInt64 = 1) {
        self.type = type
        self.permissions = permissions
        self.uid = uid
        self.gid = gid
        self.size = size
        self.inode = inode
        self.linkCount = linkCount
    }
}

/// Space on an export, as the server reports it (NFS FSSTAT).
public struct NFSFilesystemStatus: Sendable, Equatable {
    /// Total bytes of the filesystem behind the export.
    public var totalBytes: UInt64
    /// Bytes free for an unprivileged writer.
    public var availableBytes: UInt64
    /// Bytes free for root.
    public var freeBytes: UInt64

    /// Makes a filesystem status.
    public init(totalBytes: UInt64, availableBytes: UInt64, freeBytes: UInt64) {
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
        self.freeBytes = freeBytes
    }
}

/// The NFS protocol version a client speaks.
public enum NFSVersion: Int, Sendable, Equatable {
    /// NFSv3 (with the MOUNT protocol): the default.
    case v3 = 3
    /// NFSv4.0 (libnfs 4.0 has no 4.1 or 4.2).
    case v4 = 4
}
