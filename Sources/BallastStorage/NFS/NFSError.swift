import Glibc

/// A failed NFS operation: what was attempted, on which path, and the errno-like code
/// libnfs returned (always positive here).
public struct NFSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation, named after the call ("mount", "mkdir", "lstat" ...).
    public var operation: String
    /// The path inside the export (or "server:/export" for a mount).
    public var path: String
    /// The errno-like code (ENOENT, EEXIST, ETIMEDOUT ...), positive.
    public var code: Int32
    /// libnfs's own text for the failure, when it gave one.
    public var message: String

    /// Makes an error; `code` may be given negated, as libnfs returns it.
    public init(operation: String, path: String, code: Int32, message: String = "") {
        self.operation = operation
        self.path = path
        self.code = code < 0 ? -code : code
        self.message = message
    }

    /// The path (or one of its parents) does not exist.
    public var isNotFound: Bool { code == ENOENT }

    /// Something already exists under that name.
    public var isExists: Bool { code == EEXIST }

    /// The directory still has entries (NFSv3 servers may answer EEXIST for that too).
    public var isNotEmpty: Bool { code == ENOTEMPTY || (operation == "rmdir" && code == EEXIST) }

    /// The server did not answer or the connection broke: retrying later may succeed.
    ///
    /// libnfs reports transport failures in its own way, so this is the one place that
    /// knows them (each seen here against ganesha): a refused or reset connection arrives
    /// as EIO "nfs_service failed" (or "Poll failed") from the sync API's loop; a timed-out
    /// RPC as EINTR "command timed out"; an RPC that failed on the wire, or a portmapper
    /// that knows no NFS program, as EFAULT; a host that cannot be resolved or connected
    /// to at all as -1 "Failed to start connection". A plain EIO from the server (a disk
    /// error, NFS3ERR_IO) is not "unavailable": retrying it blindly would hide it.
    public var isUnavailable: Bool {
        switch code {
        case ETIMEDOUT, ECONNREFUSED, ECONNRESET, ECONNABORTED, EPIPE, ENOTCONN, EHOSTUNREACH, ENETUNREACH,
             EHOSTDOWN, ENETDOWN, ESHUTDOWN, EAGAIN, EFAULT, EINTR:
            return true
        default:
            let text = message.lowercased()
            return ["nfs_service failed", "poll failed", "failed to start connection", "timed out"].contains { text.contains($0) }
        }
    }

    /// The server refused because of permissions (root squashed, mode bits).
    public var isPermissionDenied: Bool { code == EACCES || code == EPERM }

    /// "nfs <operation> <path>: <message> (errno <code>)".
    public var description: String {
        let text = message.isEmpty ? String(cString: strerror(code)) : message
        return "nfs \(operation) \(path): \(text) (errno \(code))"
    }
}
