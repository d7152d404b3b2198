/// How a node agent runs: its name, root directory, runtime and timings.
public struct NodeAgentConfiguration: Sendable {
    /// The Node's name (`--name`).
    public var nodeName: String
    /// Where the agent keeps images, pods, logs and runtime state (`--root`).
    public var root: String
    /// The OCI runtime (`--runtime`).
    public var runtime: RuntimeKind
    /// The command that serves one NFS volume through FUSE (the ballast executable's path
    /// and "nfs-fuse").
    public var nfsDaemonCommand: [String]
    /// Registry mirrors and credentials; nil reads `<root>/registries.yaml` when present.
    public var registries: RegistryConfiguration?
    /// How long the node's Lease lasts without renewal; it is renewed every quarter of it.
    public var leaseDurationSeconds: Int32
    /// How often every pod is compared with its spec (the kubelet's relist period).
    public var syncInterval: Duration
    /// The first restart back-off step in seconds (Kubernetes: 10; it doubles to 300).
    public var backoffInitialSeconds: Double
    /// The address the log endpoint listens on; nil means the node's InternalIP.
    public var logAddress: String?
    /// The log endpoint's port (the kubelet's 10250); 0 picks a free one, so several agents
    /// share a host.
    public var logPort: Int
    /// The storage of the node's local volume drivers (LVM devices, local-path base).
    public var storage: NodeStorageConfiguration

    /// Makes a configuration with Kubernetes' defaults.
    public init(nodeName: String, root: String, runtime: RuntimeKind = .crun, nfsDaemonCommand: [String] = [],
                registries: RegistryConfiguration? = nil, leaseDurationSeconds: Int32 = 40, syncInterval: Duration = .seconds(1),
                backoffInitialSeconds: Double = 10, logAddress: String? = nil, logPort: Int = 0,
                storage: NodeStorageConfiguration = NodeStorageConfiguration()) {
        self.nodeName = nodeName
        self.root = root
        self.runtime = runtime
        self.nfsDaemonCommand = nfsDaemonCommand
        self.registries = registries
        self.leaseDurationSeconds = leaseDurationSeconds
        self.syncInterval = syncInterval
        self.backoffInitialSeconds = backoffInitialSeconds
        self.logAddress = logAddress
        self.logPort = logPort
        self.storage = storage
    }
}
