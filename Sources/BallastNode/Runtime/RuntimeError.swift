/// Why the node could not run a container: the runtime, conmon or the host refused.
public struct RuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the agent was doing ("crun create", "mount overlay").
    public var operation: String
    /// What the tool or the kernel said.
    public var message: String

    /// Makes an error for `operation` with `message`.
    public init(_ operation: String, _ message: String) {
        self.operation = operation
        self.message = message
    }

    public var description: String { "\(operation): \(message)" }

    /// Whether the runtime said the container does not exist (crun: "No such file or
    /// directory" opening its status file; runc: "container does not exist"). Decided here
    /// once (STYLE rule 3).
    public var isNotFound: Bool {
        message.contains("does not exist") || message.contains("No such file or directory")
    }
}
