/// One member of a tar archive, its header decoded (ustar, GNU and PAX extensions merged).
struct TarEntry: Sendable, Equatable {
    /// What the entry makes.
    enum Kind: Sendable, Equatable {
        case regularFile, hardLink, symbolicLink, characterDevice, blockDevice, directory, fifo
    }

    /// The path as written in the archive ("./etc/passwd", "usr/bin/").
    var path: String
    var kind: Kind
    /// Permission bits with setuid, setgid and sticky (mode & 0o7777).
    var mode: UInt32
    var uid: Int
    var gid: Int
    /// Bytes of data that follow the header (regular files only; 0 otherwise).
    var size: Int64
    /// Modification time, seconds since the epoch.
    var modificationSeconds: Int64
    /// The fractional part of the modification time (PAX headers carry it).
    var modificationNanoseconds: Int
    /// The target of a symlink, or the archive path a hard link points to.
    var linkName: String
    var deviceMajor: UInt32
    var deviceMinor: UInt32
    /// Extended attributes from PAX SCHILY.xattr records ("security.capability" …).
    var extendedAttributes: [String: [UInt8]]

    init(path: String, kind: Kind, mode: UInt32 = 0o644, uid: Int = 0, gid: Int = 0, size: Int64 = 0,
         modificationSeconds: Int64 = 0, modificationNanoseconds: Int = 0, linkName: String = "",
         deviceMajor: UInt32 = 0, deviceMinor: UInt32 = 0, extendedAttributes: [String: [UInt8]] = [:]) {
        self.path = path
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.modificationSeconds = modificationSeconds
        self.modificationNanoseconds = modificationNanoseconds
        self.linkName = linkName
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
        self.extendedAttributes = extendedAttributes
    }
}
