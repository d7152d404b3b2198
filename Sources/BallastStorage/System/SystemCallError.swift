import Glibc

/// A system call that failed: the operation, the path it acted on, and the errno.
public struct SystemCallError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The call or ioctl that failed ("mount", "LOOP_CONFIGURE").
    public var operation: String
    /// The file or device the call acted on, when there is one.
    public var path: String?
    /// The errno the call left.
    public var errno: Int32

    /// Makes an error for `operation` on `path` with `errno`.
    public init(_ operation: String, path: String? = nil, errno: Int32) {
        self.operation = operation
        self.path = path
        self.errno = errno
    }

    /// "mount /mnt/x: Device or resource busy (errno 16)".
    public var description: String {
        let subject = path.map { "\(operation) \($0)" } ?? operation
        return "\(subject): \(String(cString: strerror(errno))) (errno \(errno))"
    }
}

/// Runs a call that returns -1 and sets errno on failure, retrying on EINTR, and turns the
/// errno into a `SystemCallError` naming `operation` and `path`.
///
/// EFAULT and EBADF mean Ballast passed a bad pointer or a closed descriptor: a bug, not a
/// condition of the system, so they stop the process.
@discardableResult
func systemCall<Result: FixedWidthInteger>(
    _ operation: String, path: String? = nil, _ body: () -> Result
) throws(SystemCallError) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        precondition(code != EFAULT && code != EBADF, "\(operation) \(path ?? ""): errno \(code) is a bug")
        throw SystemCallError(operation, path: path, errno: code)
    }
}

/// Opens `path` with `flags` (O_CLOEXEC is always added), retrying on EINTR.
func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0) throws(SystemCallError) -> Int32 {
    try systemCall("open", path: path) { open(path, flags | O_CLOEXEC, mode) }
}
