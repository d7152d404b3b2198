internal import CNFS
import Glibc
import Synchronization

/// One libnfs context for the FUSE daemon, speaking as one uid/gid: the synchronous,
/// file-handle libnfs calls the FUSE filesystem needs, each returning 0 (or a count) or a
/// negative errno, which is what FUSE callbacks return.
///
/// Why not `NFSClient`: that client is async (the agent's provisioning) and path-only;
/// FUSE callbacks run on libfuse's own threads and must answer synchronously, with open
/// files. This is still the one wrapper of libnfs for the daemon (STYLE rule 2): every
/// call goes through `withContext`, under a Mutex, because libnfs's sync API is not
/// thread-safe (INTEROP pitfall 14) while libfuse's loop is multi-threaded.
final class NFSFuseConnection: Sendable {
    /// Whom this context speaks as (AUTH_SYS): libnfs has one identity per context
    /// (INTEROP pitfall 12), so the filesystem keeps one connection per caller.
    let uid: UInt32
    let gid: UInt32
    /// The nfs_context, as bits so the class is Sendable; used only under `lock`.
    private let contextBits: UInt
    private let lock = Mutex(())

    private init(uid: UInt32, gid: UInt32, context: OpaquePointer) {
        self.uid = uid
        self.gid = gid
        self.contextBits = UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(context)))
    }

    deinit {
        if let context = OpaquePointer(bitPattern: contextBits) { nfs_destroy_context(context) }
    }

    /// Mounts the export as `uid`/`gid`.
    /// - Returns: the connection, or libnfs's error text and a negative errno.
    static func connect(_ configuration: NFSFuseConfiguration, uid: UInt32, gid: UInt32) -> Result<NFSFuseConnection, NFSError> {
        let target = "\(configuration.server):\(configuration.export)"
        guard let handle = nfs_init_context() else {
            return .failure(NFSError(operation: "mount", path: target, code: ENOMEM, message: "cannot create an NFS context"))
        }
        nfs_set_version(handle, configuration.version == .v4 ? CNFS_V4 : CNFS_V3)
        // A dead server must fail calls after the timeout, never block them forever
        // (INTEROP pitfall 13); a restarted one is reconnected to.
        nfs_set_timeout(handle, Int32(clamping: configuration.timeoutSeconds * 1000))
        nfs_set_autoreconnect(handle, -1)
        // Other clients change the export: no stale directory listings.
        nfs_set_dircache(handle, 0)
        nfs_set_tcp_syncnt(handle, 3)
        nfs_set_uid(handle, Int32(bitPattern: uid))
        nfs_set_gid(handle, Int32(bitPattern: gid))
        if configuration.port != nil || configuration.mountPort != nil {
            var arguments: [String] = []
            if let port = configuration.port { arguments.append("nfsport=\(port)") }
            if let port = configuration.mountPort { arguments.append("mountport=\(port)") }
            guard let parsed = nfs_parse_url_incomplete(handle, "nfs://\(configuration.server)/?" + arguments.joined(separator: "&")) else {
                let error = NFSError(operation: "mount", path: target, code: EINVAL, message: message(handle))
                nfs_destroy_context(handle)
                return .failure(error)
            }
            nfs_destroy_url(parsed)
        }
        let status = nfs_mount(handle, configuration.server, configuration.export)
        guard status == 0 else {
            let error = NFSError(operation: "mount", path: target, code: status == 0 ? EIO : status, message: message(handle))
            nfs_destroy_context(handle)
            return .failure(error)
        }
        return .success(NFSFuseConnection(uid: uid, gid: gid, context: handle))
    }

    private static func message(_ handle: OpaquePointer) -> String {
        nfs_get_error(handle).map { String(cString: $0) } ?? ""
    }

    /// Runs `body` with the context, one caller at a time.
    private func withContext<T: Sendable>(_ body: (OpaquePointer) -> T) -> T {
        guard let context = OpaquePointer(bitPattern: contextBits) else { preconditionFailure("an NFS connection without a context") }
        return lock.withLock { _ in body(context) }
    }

    /// A libnfs status as a FUSE return value: 0, a count, or a negative errno. A timed-out
    /// RPC (EINTR in libnfs) or a broken transport (EFAULT) reaches applications as EIO.
    static func result(_ status: Int32) -> Int32 {
        guard status < 0 else { return status }
        switch -status {
        case EINTR, EFAULT, ETIMEDOUT, ECONNRESET, ECONNREFUSED, EPIPE: return -EIO
        default: return status
        }
    }

    // MARK: - Paths

    func lstat(_ path: String, _ attributes: inout nfs_stat_64) -> Int32 {
        withContext { Self.result(nfs_lstat64($0, path, &attributes)) }
    }

    func readlink(_ path: String) -> (Int32, String) {
        withContext { nfs -> (Int32, String) in
            var buffer: UnsafeMutablePointer<CChar>?
            let status = nfs_readlink2(nfs, path, &buffer)
            guard status == 0, let buffer else { return (Self.result(status == 0 ? -EIO : status), "") }
            defer { free(buffer) }
            return (0, String(cString: buffer))
        }
    }

    func mkdir(_ path: String, mode: UInt32) -> Int32 {
        withContext { Self.result(nfs_mkdir2($0, path, Int32(bitPattern: mode & 0o7777))) }
    }

    func mknod(_ path: String, mode: UInt32, device: UInt64) -> Int32 {
        withContext { Self.result(nfs_mknod($0, path, Int32(bitPattern: mode), Int32(truncatingIfNeeded: device))) }
    }

    func unlink(_ path: String) -> Int32 { withContext { Self.result(nfs_unlink($0, path)) } }

    func rmdir(_ path: String) -> Int32 { withContext { Self.result(nfs_rmdir($0, path)) } }

    func symlink(target: String, at path: String) -> Int32 { withContext { Self.result(nfs_symlink($0, target, path)) } }

    func rename(_ path: String, to newPath: String) -> Int32 { withContext { Self.result(nfs_rename($0, path, newPath)) } }

    func link(_ path: String, to newPath: String) -> Int32 { withContext { Self.result(nfs_link($0, path, newPath)) } }

    func chmod(_ path: String, mode: UInt32) -> Int32 {
        withContext { Self.result(nfs_chmod($0, path, Int32(bitPattern: mode & 0o7777))) }
    }

    /// chown that never follows a final symlink. (libnfs 4.0's lchown fails on directories
    /// over NFSv4, so only symlinks take the l-variant.)
    func chown(_ path: String, uid: UInt32, gid: UInt32, isSymlink: Bool) -> Int32 {
        withContext { nfs in
            isSymlink ? Self.result(nfs_lchown(nfs, path, Int32(bitPattern: uid), Int32(bitPattern: gid)))
                : Self.result(nfs_chown(nfs, path, Int32(bitPattern: uid), Int32(bitPattern: gid)))
        }
    }

    func truncate(_ path: String, length: UInt64) -> Int32 { withContext { Self.result(nfs_truncate($0, path, length)) } }

    func utimes(_ path: String, access: timeval, modification: timeval) -> Int32 {
        withContext { nfs in
            var times = [access, modification]
            return Self.result(nfs_utimes(nfs, path, &times))
        }
    }

    func statvfs(_ path: String, _ result: inout nfs_statvfs_64) -> Int32 {
        withContext { Self.result(nfs_statvfs64($0, path, &result)) }
    }

    /// The entries of a directory (with "." and ".."), each with the attributes
    /// READDIRPLUS brought along.
    func readDirectory(_ path: String) -> (Int32, [(name: String, inode: UInt64, mode: UInt32)]) {
        withContext { nfs -> (Int32, [(name: String, inode: UInt64, mode: UInt32)]) in
            var directory: OpaquePointer?
            let status = nfs_opendir(nfs, path, &directory)
            guard status == 0, let directory else { return (Self.result(status == 0 ? -EIO : status), []) }
            defer { nfs_closedir(nfs, directory) }
            var entries: [(name: String, inode: UInt64, mode: UInt32)] = []
            while let entry = nfs_readdir(nfs, directory) {
                guard let name = entry.pointee.name else { continue }
                entries.append((String(cString: name), entry.pointee.inode, entry.pointee.mode))
            }
            return (0, entries)
        }
    }

    // MARK: - Open files

    /// Opens `path` (flags: access mode, O_TRUNC, O_SYNC); the handle lives until `close`.
    func open(_ path: String, flags: Int32) -> (Int32, UInt) {
        withContext { nfs -> (Int32, UInt) in
            var file: OpaquePointer?
            let status = nfs_open(nfs, path, flags, &file)
            guard status == 0, let file else { return (Self.result(status == 0 ? -EIO : status), 0) }
            return (0, UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(file))))
        }
    }

    /// Creates and opens `path` read-write (nfs_creat would open it read-only, which NFSv4
    /// enforces on the first write: INTEROP pitfall 13).
    func create(_ path: String, flags: Int32, mode: UInt32) -> (Int32, UInt) {
        withContext { nfs -> (Int32, UInt) in
            var file: OpaquePointer?
            let status = nfs_create(nfs, path, O_RDWR | O_CREAT | (flags & (O_EXCL | O_TRUNC)), Int32(bitPattern: mode & 0o7777), &file)
            guard status == 0, let file else { return (Self.result(status == 0 ? -EIO : status), 0) }
            return (0, UInt(bitPattern: Int(bitPattern: UnsafeRawPointer(file))))
        }
    }

    private static func file(_ handle: UInt) -> OpaquePointer? {
        OpaquePointer(bitPattern: handle)
    }

    /// Reads up to `count` bytes at `offset` into `buffer`, fewer only at the end of file.
    func read(_ handle: UInt, into buffer: UnsafeMutableRawPointer, count: Int, offset: UInt64) -> Int32 {
        guard let file = Self.file(handle) else { return -EBADF }
        return withContext { nfs in
            var done = 0
            while done < count {
                let got = nfs_pread(nfs, file, offset + UInt64(done), UInt64(count - done), buffer + done)
                if got < 0 { return done > 0 ? Int32(done) : Self.result(got) }
                if got == 0 { break }
                done += Int(got)
            }
            return Int32(done)
        }
    }

    /// Writes all `count` bytes at `offset`.
    func write(_ handle: UInt, from buffer: UnsafeRawPointer, count: Int, offset: UInt64) -> Int32 {
        guard let file = Self.file(handle) else { return -EBADF }
        return withContext { nfs in
            var done = 0
            while done < count {
                let wrote = nfs_pwrite(nfs, file, offset + UInt64(done), UInt64(count - done), buffer + done)
                if wrote < 0 { return done > 0 ? Int32(done) : Self.result(wrote) }
                if wrote == 0 { return done > 0 ? Int32(done) : -EIO }
                done += Int(wrote)
            }
            return Int32(done)
        }
    }

    func fsync(_ handle: UInt) -> Int32 {
        guard let file = Self.file(handle) else { return -EBADF }
        return withContext { Self.result(nfs_fsync($0, file)) }
    }

    func ftruncate(_ handle: UInt, length: UInt64) -> Int32 {
        guard let file = Self.file(handle) else { return -EBADF }
        return withContext { Self.result(nfs_ftruncate($0, file, length)) }
    }

    func close(_ handle: UInt) -> Int32 {
        guard let file = Self.file(handle) else { return -EBADF }
        return withContext { Self.result(nfs_close($0, file)) }
    }
}
