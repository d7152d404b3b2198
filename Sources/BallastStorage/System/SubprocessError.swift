/// Why running a command failed.
public struct SubprocessError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// No executable of that name on the search path.
        case notFound
        /// posix_spawn refused (the errno it returned).
        case spawnFailed(errno: Int32)
        /// The command ran past its timeout and was killed with its process group.
        case timedOut
        /// The task running it was cancelled, and the command was killed.
        case cancelled
        /// The command exited with a non-zero status (only from `Subprocess.check`).
        case exited(status: Int32)
    }

    /// What went wrong.
    public var kind: Kind
    /// The command line, executable first.
    public var command: [String]
    /// Standard error (or, if empty, standard output) of the command, trimmed.
    public var output: String

    /// Makes an error.
    public init(_ kind: Kind, command: [String], output: String = "") {
        self.kind = kind
        self.command = command
        self.output = output
    }

    /// "mkfs.xfs /dev/loop9 exited with status 1: mkfs.xfs: /dev/loop9 appears to contain ...".
    public var description: String {
        let line = command.joined(separator: " ")
        let detail = output.isEmpty ? "" : ": \(output)"
        switch kind {
        case .notFound: return "\(command.first ?? "") is not installed"
        case .spawnFailed(let code): return "\(line): cannot start (errno \(code))\(detail)"
        case .timedOut: return "\(line): timed out and was killed\(detail)"
        case .cancelled: return "\(line): cancelled and killed\(detail)"
        case .exited(let status): return "\(line) exited with status \(status)\(detail)"
        }
    }
}
