internal import CNFS
import Dispatch
import Glibc
import Synchronization

/// A connection to one NFS export through libnfs's synchronous API; the only code in
/// Ballast that calls libnfs (STYLE.md rule 2).
///
/// libnfs's sync API is not thread-safe and blocks until the server answers or the
/// timeout passes (INTEROP.md pitfalls 13 and 14). So every call runs on this client's
/// own serial dispatch queue, never on Swift's cooperative pool, and the context sits
/// in a `Mutex` so the class is `Sendable` without `@unchecked`. Paths are inside the
/// export and start with "/" ("/" is the export itself). Calls are not cancellable: the
/// timeout bounds them.
public final class NFSClient: Sendable {
    /// Where and how to connect.
    public struct Configuration: Sendable, Equatable {
        /// Host name or IPv4 address of the server.
        public var server: String
        /// The export path (for NFSv4, the pseudo-filesystem path).
        public var export: String
        /// The protocol version: NFSv3 unless asked otherwise.
        public var version: NFSVersion
        /// The NFS port; nil asks the portmapper (NFSv3) or uses 2049 (NFSv4).
        public var port: Int?
        /// The MOUNT protocol port (NFSv3 only); nil asks the portmapper.
        public var mountPort: Int?
        /// How long one RPC may wait for the server. libnfs counts whole seconds.
        public var timeout: Duration
        /// The AUTH_SYS identity of every call (INTEROP.md pitfall 12: one per context).
        public var uid: Int
        /// The AUTH_SYS group of every call.
        public var gid: Int

        /// Describes a connection; the timeout defaults to 10 s.
        public init(server: String, export: String, version: NFSVersion = .v3, port: Int? = nil, mountPort: Int? = nil,
                    timeout: Duration = .seconds(10), uid: Int = 0, gid: Int = 0) {
            self.server = server
            self.export = export
            self.version = version
            self.port = port
            self.mountPort = mountPort
            self.timeout = timeout
            self.uid = uid
            self.gid = gid
        }
    }

    /// What this client is connected to.
    public let configuration: Configuration
    private let context: Mutex<OpaquePointer?>
    private let queue: DispatchQueue

    private init(configuration: Configuration, context: sending OpaquePointer, queue: DispatchQueue) {
        self.configuration = configuration
        self.context = Mutex(context)
        self.queue = queue
    }

    deinit {
        // Every queued call holds `self`, so none can be running now.
        context.withLock { context in
            if let handle = context { nfs_destroy_context(handle) }
            context = nil
        }
    }

    /// Mounts the export and returns a client for it.
    /// - Throws: `NFSError` with operation "mount" (`isUnavailable` when the server did
    ///   not answer, `isNotFound` or `isPermissionDenied` when it refused the export).
    public static func connect(_ configuration: Configuration) async throws(NFSError) -> NFSClient {
        let queue = DispatchQueue(label: "ballast.nfs.\(configuration.server):\(configuration.export)")
        let result: Result<NFSClient, NFSError> = await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: mount(configuration, queue: queue)) }
        }
        return try result.get()
    }

    private static func mount(_ configuration: Configuration, queue: DispatchQueue) -> Result<NFSClient, NFSError> {
        let target = "\(configuration.server):\(configuration.export)"
        guard let handle = nfs_init_context() else {
            return .failure(NFSError(operation: "mount", path: target, code: ENOMEM, message: "cannot create an NFS context"))
        }
        nfs_set_version(handle, configuration.version == .v4 ? CNFS_V4 : CNFS_V3)
        // Without a timeout a dead server blocks the sync API forever (pitfall 13).
        let parts = configuration.timeout.components
        let seconds = max(1, Int(parts.seconds) + (parts.attoseconds > 0 ? 1 : 0))
        nfs_set_timeout(handle, Int32(clamping: seconds * 1000))
        // A provisioner connects per operation: a broken connection must fail the call,
        // not be retried forever behind it.
        nfs_set_autoreconnect(handle, 0)
        // The directory cache would hide changes made by others (and by a scrub).
        nfs_set_dircache(handle, 0)
        // A few SYNs, not the kernel's two minutes of them, for a host that drops packets.
        nfs_set_tcp_syncnt(handle, 3)
        nfs_set_uid(handle, Int32(clamping: configuration.uid))
        nfs_set_gid(handle, Int32(clamping: configuration.gid))
        if configuration.port != nil || configuration.mountPort != nil {
            // libnfs 4.0 sets explicit ports only through URL arguments.
            var arguments: [String] = []
            if let port = configuration.port { arguments.append("nfsport=\(port)") }
            if let port = configuration.mountPort { arguments.append("mountport=\(port)") }
            let url = "nfs://\(configuration.server)/?" + arguments.joined(separator: "&")
            guard let parsed = nfs_parse_url_incomplete(handle, url) else {
                let error = NFSClient.error(handle, "mount", target, -EINVAL)
                nfs_destroy_context(handle)
                return .failure(error)
            }
            nfs_destroy_url(parsed)
        }
        let status = nfs_mount(handle, configuration.server, configuration.export)
        guard status == 0 else {
            let error = NFSClient.error(handle, "mount", target, status)
            nfs_destroy_context(handle)
            return .failure(error)
        }
        return .success(NFSClient(configuration: configuration, context: handle, queue: queue))
    }

    /// Drops the connection. Later calls fail with ENOTCONN. Idempotent.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.context.withLock { context in
                    // No UMNT: it is bookkeeping only, and would wait out the timeout on a
                    // dead server.
                    if let handle = context { nfs_destroy_context(handle) }
                    context = nil
                }
                continuation.resume()
            }
        }
    }

    // MARK: - Operations

    /// The attributes of `path`, following a final symlink.
    public func stat(_ path: String) async throws(NFSError) -> NFSFileStatus {
        try await perform { handle in
            var st = nfs_stat_64()
            let status = nfs_stat64(handle, path, &st)
            return status == 0 ? .success(NFSClient.status(st)) : .failure(NFSClient.error(handle, "stat", path, status))
        }
    }

    /// The attributes of `path` itself: a symlink is reported as a symlink.
    public func lstat(_ path: String) async throws(NFSError) -> NFSFileStatus {
        try await perform { handle in
            var st = nfs_stat_64()
            let status = nfs_lstat64(handle, path, &st)
            return status == 0 ? .success(NFSClient.status(st)) : .failure(NFSClient.error(handle, "lstat", path, status))
        }
    }

    /// Creates one directory with `mode` (its parent must exist).
    public func mkdir(_ path: String, mode: UInt32) async throws(NFSError) {
        try await perform { handle in
            NFSClient.check(handle, "mkdir", path, nfs_mkdir2(handle, path, Int32(bitPattern: mode & 0o7777)))
        }
    }

    /// Sets the permission bits of `path` (following a final symlink: callers lstat first).
    public func chmod(_ path: String, mode: UInt32) async throws(NFSError) {
        try await perform { handle in
            NFSClient.check(handle, "chmod", path, nfs_chmod(handle, path, Int32(bitPattern: mode & 0o7777)))
        }
    }

    /// Sets the owner of `path`, following a final symlink: callers lstat first. (libnfs
    /// 4.0's nfs_lchown fails on directories under NFSv4 with NFS4ERR_ISDIR.)
    public func chown(_ path: String, uid: UInt32, gid: UInt32) async throws(NFSError) {
        try await perform { handle in
            NFSClient.check(handle, "chown", path, nfs_chown(handle, path, Int32(bitPattern: uid), Int32(bitPattern: gid)))
        }
    }

    /// The names in directory `path`, without "." and "..", in server order.
    public func readDirectory(_ path: String) async throws(NFSError) -> [String] {
        try await perform { handle in
            var directory: OpaquePointer?
            let status = nfs_opendir(handle, path, &directory)
            guard status == 0, let directory else { return .failure(NFSClient.error(handle, "opendir", path, status)) }
            defer { nfs_closedir(handle, directory) }
            var names: [String] = []
            while let entry = nfs_readdir(handle, directory) {
                guard let raw = entry.pointee.name else { continue }
                let name = String(cString: raw)
                if name != "." && name != ".." { names.append(name) }
            }
            return .success(names)
        }
    }

    /// Removes a file or a symlink (never what it points to).
    public func unlink(_ path: String) async throws(NFSError) {
        try await perform { handle in NFSClient.check(handle, "unlink", path, nfs_unlink(handle, path)) }
    }

    /// Removes an empty directory.
    public func rmdir(_ path: String) async throws(NFSError) {
        try await perform { handle in NFSClient.check(handle, "rmdir", path, nfs_rmdir(handle, path)) }
    }

    /// Renames `path` to `newPath` (both inside the export).
    public func rename(_ path: String, to newPath: String) async throws(NFSError) {
        try await perform { handle in NFSClient.check(handle, "rename", path, nfs_rename(handle, path, newPath)) }
    }

    /// Creates a symlink at `path` whose content is `target`.
    public func symlink(_ path: String, target: String) async throws(NFSError) {
        try await perform { handle in NFSClient.check(handle, "symlink", path, nfs_symlink(handle, target, path)) }
    }

    /// The content of symlink `path`.
    public func readlink(_ path: String) async throws(NFSError) -> String {
        try await perform { handle in
            var buffer: UnsafeMutablePointer<CChar>?
            let status = nfs_readlink2(handle, path, &buffer)
            guard status == 0, let buffer else { return .failure(NFSClient.error(handle, "readlink", path, status)) }
            defer { free(buffer) }
            return .success(String(cString: buffer))
        }
    }

    /// Creates (or truncates) the file `path` with `mode` and writes `bytes` into it.
    /// (Seen here: over NFSv4, libnfs 4.0 creates the file 0600 whatever `mode` says.)
    /// - Parameter exclusive: fail with EEXIST if the file exists.
    public func writeFile(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644, exclusive: Bool = false) async throws(NFSError) {
        try await perform { handle -> Result<Void, NFSError> in
            var file: OpaquePointer?
            // nfs_creat() opens read-only, which NFSv4 enforces on the write (pitfall 13).
            let flags = O_RDWR | O_CREAT | O_TRUNC | (exclusive ? O_EXCL : 0)
            let status = nfs_create(handle, path, flags, Int32(bitPattern: mode & 0o7777), &file)
            guard status == 0, let file else { return .failure(NFSClient.error(handle, "create", path, status)) }
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { buffer in
                    nfs_pwrite(handle, file, UInt64(offset), UInt64(bytes.count - offset), buffer.baseAddress.map { $0 + offset })
                }
                guard written > 0 else {
                    let error = NFSClient.error(handle, "write", path, written == 0 ? -EIO : written)
                    nfs_close(handle, file)
                    return .failure(error)
                }
                offset += Int(written)
            }
            return NFSClient.check(handle, "close", path, nfs_close(handle, file))
        }
    }

    /// The whole content of the file `path`, up to `limit` bytes.
    public func readFile(_ path: String, limit: Int = 1 << 20) async throws(NFSError) -> [UInt8] {
        try await perform { handle in
            var file: OpaquePointer?
            let status = nfs_open(handle, path, O_RDONLY, &file)
            guard status == 0, let file else { return .failure(NFSClient.error(handle, "open", path, status)) }
            defer { nfs_close(handle, file) }
            var content: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 * 1024)
            while content.count < limit {
                let count = min(chunk.count, limit - content.count)
                let read = chunk.withUnsafeMutableBytes { buffer in
                    nfs_pread(handle, file, UInt64(content.count), UInt64(count), buffer.baseAddress)
                }
                guard read >= 0 else { return .failure(NFSClient.error(handle, "read", path, read)) }
                if read == 0 { break }
                content += chunk[0..<Int(read)]
            }
            return .success(content)
        }
    }

    /// Space on the filesystem behind `path`.
    public func statvfs(_ path: String = "/") async throws(NFSError) -> NFSFilesystemStatus {
        try await perform { handle in
            var sv = nfs_statvfs_64()
            let status = nfs_statvfs64(handle, path, &sv)
            guard status == 0 else { return .failure(NFSClient.error(handle, "statvfs", path, status)) }
            let unit = sv.f_frsize > 0 ? sv.f_frsize : sv.f_bsize
            let (total, totalOverflow) = sv.f_blocks.multipliedReportingOverflow(by: unit)
            let (available, availableOverflow) = sv.f_bavail.multipliedReportingOverflow(by: unit)
            let (free, freeOverflow) = sv.f_bfree.multipliedReportingOverflow(by: unit)
            return .success(NFSFilesystemStatus(totalBytes: totalOverflow ? .max : total, availableBytes: availableOverflow ? .max : available,
                                                freeBytes: freeOverflow ? .max : free))
        }
    }

    // MARK: - Plumbing

    /// Runs `body` on this client's queue with the context; a closed client fails.
    private func perform<T: Sendable>(_ body: @escaping @Sendable (OpaquePointer) -> Result<T, NFSError>) async throws(NFSError) -> T {
        let result: Result<T, NFSError> = await withCheckedContinuation { continuation in
            queue.async {
                let outcome = self.context.withLock { context -> Result<T, NFSError> in
                    guard let handle = context else {
                        let target = "\(self.configuration.server):\(self.configuration.export)"
                        return .failure(NFSError(operation: "call", path: target, code: ENOTCONN, message: "the NFS client is closed"))
                    }
                    return body(handle)
                }
                continuation.resume(returning: outcome)
            }
        }
        return try result.get()
    }

    /// Success for 0, else the error. EINTR is not retried: libnfs uses it for a timed-out
    /// RPC, and retrying would multiply the timeout.
    private static func check(_ handle: OpaquePointer, _ operation: String, _ path: String, _ status: Int32) -> Result<Void, NFSError> {
        status == 0 ? .success(()) : .failure(error(handle, operation, path, status))
    }

    private static func error(_ handle: OpaquePointer, _ operation: String, _ path: String, _ status: Int32) -> NFSError {
        let message = nfs_get_error(handle).map { String(cString: $0) } ?? ""
        return NFSError(operation: operation, path: path, code: status == 0 ? EIO : status, message: message)
    }

    private static func status(_ st: nfs_stat_64) -> NFSFileStatus {
        let type: NFSFileType
        switch UInt32(truncatingIfNeeded: st.nfs_mode) & UInt32(S_IFMT) {
        case UInt32(S_IFREG): type = .regular
        case UInt32(S_IFDIR): type = .directory
        case UInt32(S_IFLNK): type = .symlink
        default: type = .other
        }
        return NFSFileStatus(type: type, permissions: UInt32(truncatingIfNeeded: st.nfs_mode) & 0o7777, uid: UInt32(truncatingIfNeeded: st.nfs_uid),
                             gid: UInt32(truncatingIfNeeded: st.nfs_gid), size: st.nfs_size, inode: st.nfs_ino, linkCount: st.nfs_nlink)
    }
}
