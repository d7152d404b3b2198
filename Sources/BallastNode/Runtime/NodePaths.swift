/// Where a node agent keeps things under its root directory.
public struct NodePaths: Sendable, Equatable {
    /// The agent's root (`--root`).
    public var root: String

    /// Makes the layout under `root`.
    public init(root: String) { self.root = root }

    /// The image store.
    public var images: String { root + "/images" }
    /// One directory per pod, by UID.
    public var pods: String { root + "/pods" }
    /// Container logs, as the kubelet lays out /var/log/pods.
    public var logs: String { root + "/logs" }
    /// The OCI runtime's state (its `--root`).
    public var runtimeState: String { root + "/run/runtime" }
    /// Exit-code files conmon writes, by container ID.
    public var exits: String { root + "/run/exits" }
    /// Scripts the agent writes (the crun wrapper).
    public var tools: String { root + "/bin" }
    /// registries.yaml (mirrors, credentials).
    public var registriesFile: String { root + "/registries.yaml" }

    /// The directory of pod `uid`.
    public func pod(_ uid: String) -> String { pods + "/" + uid }
    /// The log directory of a pod's container.
    public func logDirectory(namespace: String, name: String, uid: String, container: String) -> String {
        "\(logs)/\(namespace)_\(name)_\(uid)/\(container)"
    }
    /// The log file of a container's `restartCount`th instance.
    public func logFile(namespace: String, name: String, uid: String, container: String, restartCount: Int32) -> String {
        logDirectory(namespace: namespace, name: name, uid: uid, container: container) + "/\(restartCount).log"
    }
}
