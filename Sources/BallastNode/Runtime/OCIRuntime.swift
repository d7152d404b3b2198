/// Which OCI runtime binary runs containers.
public enum RuntimeKind: String, Sendable, CaseIterable {
    /// crun (the default): faster; needs a wrapper on hybrid-cgroup hosts.
    case crun
    /// runc: works natively on hybrid-cgroup hosts.
    case runc
}

/// What an OCI runtime reports about a container (`crun state ID`).
public struct RuntimeContainerState: Sendable, Equatable, Decodable {
    /// The container ID.
    public var id: String
    /// "created", "running", "paused" or "stopped".
    public var status: String
    /// The container's init process on the host (0 once stopped).
    public var pid: Int32?
}

/// The verbs the node agent needs from an OCI runtime (crun or runc). Containers are
/// created by conmon, which runs `executable` with `globalArguments`; everything else goes
/// through these calls.
public protocol OCIRuntime: Sendable {
    /// Which runtime this is.
    var kind: RuntimeKind { get }
    /// The program conmon runs as its runtime (a wrapper script on hybrid-cgroup hosts).
    var executable: String { get }
    /// Options that precede every verb (`--root DIR`, so each agent keeps its own state).
    var globalArguments: [String] { get }

    /// The container's state, or nil if the runtime does not know it.
    /// - Throws: `RuntimeError` when the runtime fails for another reason.
    func state(_ id: String) async throws(RuntimeError) -> RuntimeContainerState?
    /// Starts a created container's process.
    func start(_ id: String) async throws(RuntimeError)
    /// Sends `signal` to the container's init, or to every process in it when `all`.
    /// Succeeds when the container is already gone or stopped.
    func kill(_ id: String, signal: Int32, all: Bool) async throws(RuntimeError)
    /// Removes the container's state and cgroup; `force` kills it first. Idempotent: a
    /// container the runtime does not know is already deleted.
    func delete(_ id: String, force: Bool) async throws(RuntimeError)
    /// Runs `command` inside the running container as `user` ("uid:gid") and returns its
    /// exit status and output (stdout then stderr).
    func exec(_ id: String, user: String, command: [String]) async throws(RuntimeError) -> (status: Int32, output: String)
}
