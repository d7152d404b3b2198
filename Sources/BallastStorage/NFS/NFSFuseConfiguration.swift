/// What the NFS FUSE daemon (`ballast nfs-fuse`) mounts, and how it reaches the server.
public struct NFSFuseConfiguration: Sendable, Equatable {
    /// Host name or IPv4 address of the NFS server.
    public var server: String
    /// The exported path.
    public var export: String
    /// NFSv3 unless asked otherwise.
    public var version: NFSVersion
    /// The NFS port; nil asks the portmapper (v3) or uses 2049 (v4).
    public var port: Int?
    /// The MOUNT protocol port (v3); nil asks the portmapper.
    public var mountPort: Int?
    /// Whether the mount refuses writes.
    public var readOnly: Bool
    /// How long one NFS call may wait for the server before it fails with EIO.
    public var timeoutSeconds: Int
    /// Where the filesystem is mounted (an existing directory).
    public var mountPoint: String

    /// Describes a mount.
    public init(server: String, export: String, version: NFSVersion = .v3, port: Int? = nil, mountPort: Int? = nil, readOnly: Bool = false,
                timeoutSeconds: Int = 10, mountPoint: String) {
        self.server = server
        self.export = export
        self.version = version
        self.port = port
        self.mountPort = mountPort
        self.readOnly = readOnly
        self.timeoutSeconds = timeoutSeconds
        self.mountPoint = mountPoint
    }

    /// The filesystem type the mount shows in /proc/self/mountinfo ("fuse." + subtype).
    public static let fileSystemType = "fuse.ballast-nfs"

    /// The mount's source in the mount table: "server:/export".
    public var sourceName: String { "\(server):\(export)" }

    /// Problems that stop the daemon before it starts, one message each.
    public var problems: [String] {
        var problems: [String] = []
        if server.isEmpty { problems.append("--server must not be empty") }
        if !export.hasPrefix("/") { problems.append("--export must be an absolute path") }
        // FUSE's -o list is comma-separated: a comma would split the source name.
        if sourceName.contains(",") { problems.append("the server and export must not contain ','") }
        if !mountPoint.hasPrefix("/") { problems.append("the mount point must be an absolute path") }
        if timeoutSeconds < 1 { problems.append("--timeout must be at least 1 second") }
        return problems
    }
}
