/// Space and inodes of a mounted filesystem (statvfs), as the kubelet reports volume
/// metrics.
public struct FilesystemUsage: Sendable, Hashable {
    /// Size of the filesystem's data area in bytes (f_blocks × f_frsize).
    public var totalBytes: UInt64
    /// Bytes an unprivileged writer can still use (f_bavail × f_frsize).
    public var availableBytes: UInt64
    /// Bytes in use ((f_blocks − f_bfree) × f_frsize).
    public var usedBytes: UInt64
    /// Inodes in total (f_files).
    public var totalInodes: UInt64
    /// Inodes free (f_ffree).
    public var freeInodes: UInt64

    /// Makes a value.
    public init(totalBytes: UInt64, availableBytes: UInt64, usedBytes: UInt64, totalInodes: UInt64, freeInodes: UInt64) {
        self.totalBytes = totalBytes
        self.availableBytes = availableBytes
        self.usedBytes = usedBytes
        self.totalInodes = totalInodes
        self.freeInodes = freeInodes
    }

    /// Inodes in use.
    public var usedInodes: UInt64 { totalInodes >= freeInodes ? totalInodes - freeInodes : 0 }
}
