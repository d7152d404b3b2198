/// What a finished command left: its exit status and everything it printed.
public struct SubprocessResult: Sendable, Equatable {
    /// The exit code, or 128 + the signal number when a signal ended it (as a shell reports).
    public var status: Int32
    /// Everything the command wrote to standard output.
    public var standardOutput: String
    /// Everything the command wrote to standard error.
    public var standardError: String

    /// Makes a result.
    public init(status: Int32, standardOutput: String = "", standardError: String = "") {
        self.status = status
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    /// Whether the command exited with status 0.
    public var succeeded: Bool { status == 0 }
}
