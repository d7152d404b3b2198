internal import CFuse3
internal import CNFS
import Glibc

/// The libfuse callbacks of the NFS FUSE filesystem. Each is a C function pointer, so none
/// may capture anything (INTEROP pitfall 1): the filesystem is reached through
/// fuse_get_context()'s private_data, and every helper is named with its type.
enum NFSFuseOperations {
    /// The operations table handed to fuse_main.
    static func table() -> fuse_operations {
        var operations = fuse_operations()
        operations.`init` = { _, config in NFSFuseOperations.initialise(config) }
        operations.getattr = { path, st, _ in NFSFuseOperations.getattr(path, st) }
        operations.readlink = { path, buffer, size in NFSFuseOperations.readlink(path, buffer, size) }
        operations.mknod = { path, mode, device in NFSFuseOperations.mknod(path, mode, device) }
        operations.mkdir = { path, mode in NFSFuseOperations.onPath(path, write: true) { $0.mkdir($1, mode: mode) } }
        operations.unlink = { path in NFSFuseOperations.onPath(path, write: true) { $0.unlink($1) } }
        operations.rmdir = { path in NFSFuseOperations.onPath(path, write: true) { $0.rmdir($1) } }
        operations.symlink = { target, path in NFSFuseOperations.symlink(target, path) }
        operations.rename = { from, to, flags in NFSFuseOperations.rename(from, to, flags) }
        operations.link = { from, to in NFSFuseOperations.link(from, to) }
        operations.chmod = { path, mode, _ in NFSFuseOperations.onPath(path, write: true) { $0.chmod($1, mode: mode) } }
        operations.chown = { path, uid, gid, _ in NFSFuseOperations.chown(path, uid, gid) }
        operations.truncate = { path, size, info in NFSFuseOperations.truncate(path, size, info) }
        operations.open = { path, info in NFSFuseOperations.open(path, info) }
        operations.create = { path, mode, info in NFSFuseOperations.create(path, mode, info) }
        operations.read = { _, buffer, size, offset, info in NFSFuseOperations.read(buffer, size, offset, info) }
        operations.write = { _, buffer, size, offset, info in NFSFuseOperations.write(buffer, size, offset, info) }
        operations.statfs = { path, result in NFSFuseOperations.statfs(path, result) }
        operations.flush = { _, _ in 0 }
        operations.release = { _, info in NFSFuseOperations.release(info) }
        operations.fsync = { _, _, info in NFSFuseOperations.fsync(info) }
        operations.readdir = { path, buffer, filler, _, _, _ in NFSFuseOperations.readdir(path, buffer, filler) }
        operations.utimens = { path, times, _ in NFSFuseOperations.utimens(path, times) }
        return operations
    }

    // MARK: - Context

    private static var filesystem: NFSFuseFilesystem? {
        guard let context = fuse_get_context(), let data = context.pointee.private_data else { return nil }
        return Unmanaged<NFSFuseFilesystem>.fromOpaque(data).takeUnretainedValue()
    }

    /// The connection speaking as the process that made this request.
    private static func callerConnection() -> NFSFuseConnection? {
        guard let context = fuse_get_context(), let filesystem else { return nil }
        return filesystem.connection(uid: context.pointee.uid, gid: context.pointee.gid)
    }

    private static var isReadOnly: Bool { filesystem?.configuration.readOnly ?? true }

    /// Runs a path operation as the caller; writes fail with EROFS on a read-only mount.
    private static func onPath(_ path: UnsafePointer<CChar>?, write: Bool, _ body: (NFSFuseConnection, String) -> Int32) -> Int32 {
        guard let path else { return -EINVAL }
        if write && isReadOnly { return -EROFS }
        guard let connection = callerConnection() else { return -EIO }
        return body(connection, String(cString: path))
    }

    private static func openFile(_ info: UnsafeMutablePointer<fuse_file_info>?) -> NFSFuseOpenFile? {
        guard let info, let pointer = UnsafeRawPointer(bitPattern: UInt(info.pointee.fh)) else { return nil }
        return Unmanaged<NFSFuseOpenFile>.fromOpaque(pointer).takeUnretainedValue()
    }

    private static func remember(_ file: NFSFuseOpenFile, in info: UnsafeMutablePointer<fuse_file_info>) {
        info.pointee.fh = UInt64(UInt(bitPattern: Unmanaged.passRetained(file).toOpaque()))
    }

    // MARK: - Operations

    private static func initialise(_ config: UnsafeMutablePointer<fuse_config>?) -> UnsafeMutableRawPointer? {
        if let config {
            // Others change the export too: short caches, no kernel page cache kept across opens.
            config.pointee.entry_timeout = 1
            config.pointee.attr_timeout = 1
            config.pointee.negative_timeout = 0
            config.pointee.kernel_cache = 0
            config.pointee.use_ino = 0
        }
        return fuse_get_context()?.pointee.private_data
    }

    private static func fill(_ st: UnsafeMutablePointer<stat>, from a: nfs_stat_64) {
        var result = stat()
        result.st_ino = ino_t(truncatingIfNeeded: a.nfs_ino)
        result.st_mode = mode_t(truncatingIfNeeded: a.nfs_mode)
        result.st_nlink = nlink_t(truncatingIfNeeded: a.nfs_nlink)
        result.st_uid = uid_t(truncatingIfNeeded: a.nfs_uid)
        result.st_gid = gid_t(truncatingIfNeeded: a.nfs_gid)
        result.st_rdev = dev_t(truncatingIfNeeded: a.nfs_rdev)
        result.st_size = off_t(truncatingIfNeeded: a.nfs_size)
        result.st_blksize = blksize_t(truncatingIfNeeded: a.nfs_blksize > 0 ? a.nfs_blksize : 4096)
        result.st_blocks = blkcnt_t(truncatingIfNeeded: (a.nfs_used + 511) / 512)
        result.st_atim = timespec(tv_sec: Int(truncatingIfNeeded: a.nfs_atime), tv_nsec: Int(truncatingIfNeeded: a.nfs_atime_nsec))
        result.st_mtim = timespec(tv_sec: Int(truncatingIfNeeded: a.nfs_mtime), tv_nsec: Int(truncatingIfNeeded: a.nfs_mtime_nsec))
        result.st_ctim = timespec(tv_sec: Int(truncatingIfNeeded: a.nfs_ctime), tv_nsec: Int(truncatingIfNeeded: a.nfs_ctime_nsec))
        st.pointee = result
    }

    private static func getattr(_ path: UnsafePointer<CChar>?, _ st: UnsafeMutablePointer<stat>?) -> Int32 {
        guard let st else { return -EINVAL }
        return onPath(path, write: false) { connection, path in
            var attributes = nfs_stat_64()
            let status = connection.lstat(path, &attributes)
            if status == 0 { NFSFuseOperations.fill(st, from: attributes) }
            return status
        }
    }

    private static func readlink(_ path: UnsafePointer<CChar>?, _ buffer: UnsafeMutablePointer<CChar>?, _ size: Int) -> Int32 {
        guard let buffer, size > 0 else { return -EINVAL }
        return onPath(path, write: false) { connection, path in
            let (status, target) = connection.readlink(path)
            guard status == 0 else { return status }
            let bytes = Array(target.utf8.prefix(size - 1))
            for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
            buffer[bytes.count] = 0
            return 0
        }
    }

    private static func mknod(_ path: UnsafePointer<CChar>?, _ mode: mode_t, _ device: dev_t) -> Int32 {
        onPath(path, write: true) { connection, path in
            guard mode & S_IFMT == S_IFREG else { return connection.mknod(path, mode: mode, device: UInt64(device)) }
            let (status, handle) = connection.create(path, flags: O_EXCL, mode: mode)
            if status == 0 { _ = connection.close(handle) }
            return status
        }
    }

    private static func symlink(_ target: UnsafePointer<CChar>?, _ path: UnsafePointer<CChar>?) -> Int32 {
        guard let target else { return -EINVAL }
        return onPath(path, write: true) { $0.symlink(target: String(cString: target), at: $1) }
    }

    private static func rename(_ from: UnsafePointer<CChar>?, _ to: UnsafePointer<CChar>?, _ flags: UInt32) -> Int32 {
        // RENAME_NOREPLACE and RENAME_EXCHANGE have no NFS equivalent.
        guard flags == 0 else { return -EINVAL }
        guard let to else { return -EINVAL }
        return onPath(from, write: true) { $0.rename($1, to: String(cString: to)) }
    }

    private static func link(_ from: UnsafePointer<CChar>?, _ to: UnsafePointer<CChar>?) -> Int32 {
        guard let to else { return -EINVAL }
        return onPath(from, write: true) { $0.link($1, to: String(cString: to)) }
    }

    private static func chown(_ path: UnsafePointer<CChar>?, _ uid: uid_t, _ gid: gid_t) -> Int32 {
        onPath(path, write: true) { connection, path in
            // -1 means "leave as it is": send the current value rather than trust every
            // libnfs version to skip it.
            var attributes = nfs_stat_64()
            let status = connection.lstat(path, &attributes)
            guard status == 0 else { return status }
            let newUID = uid == uid_t.max ? UInt32(truncatingIfNeeded: attributes.nfs_uid) : uid
            let newGID = gid == gid_t.max ? UInt32(truncatingIfNeeded: attributes.nfs_gid) : gid
            let isSymlink = mode_t(truncatingIfNeeded: attributes.nfs_mode) & S_IFMT == S_IFLNK
            return connection.chown(path, uid: newUID, gid: newGID, isSymlink: isSymlink)
        }
    }

    private static func truncate(_ path: UnsafePointer<CChar>?, _ size: off_t, _ info: UnsafeMutablePointer<fuse_file_info>?) -> Int32 {
        if isReadOnly { return -EROFS }
        guard size >= 0 else { return -EINVAL }
        if let file = openFile(info) { return file.connection.ftruncate(file.handle, length: UInt64(size)) }
        return onPath(path, write: true) { $0.truncate($1, length: UInt64(size)) }
    }

    private static func open(_ path: UnsafePointer<CChar>?, _ info: UnsafeMutablePointer<fuse_file_info>?) -> Int32 {
        guard let info else { return -EINVAL }
        let flags = info.pointee.flags
        let writing = flags & O_ACCMODE != O_RDONLY || flags & O_TRUNC != 0
        return onPath(path, write: writing) { connection, path in
            let (status, handle) = connection.open(path, flags: flags & (O_ACCMODE | O_TRUNC | O_SYNC))
            guard status == 0 else { return status }
            NFSFuseOperations.remember(NFSFuseOpenFile(connection: connection, handle: handle), in: info)
            return 0
        }
    }

    private static func create(_ path: UnsafePointer<CChar>?, _ mode: mode_t, _ info: UnsafeMutablePointer<fuse_file_info>?) -> Int32 {
        guard let info else { return -EINVAL }
        return onPath(path, write: true) { connection, path in
            let (status, handle) = connection.create(path, flags: info.pointee.flags, mode: mode)
            guard status == 0 else { return status }
            NFSFuseOperations.remember(NFSFuseOpenFile(connection: connection, handle: handle), in: info)
            return 0
        }
    }

    private static func read(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ offset: off_t, _ info: UnsafeMutablePointer<fuse_file_info>?) -> Int32 {
        guard let buffer, let file = openFile(info), offset >= 0 else { return -EBADF }
        return file.connection.read(file.handle, into: UnsafeMutableRawPointer(buffer), count: size, offset: UInt64(offset))
    }

    private static func write(_ buffer: UnsafePointer<CChar>?, _ size: Int, _ offset: off_t, _ info: UnsafeMutablePointer<fuse_file_info>?) -> Int32 {
        if isReadOnly { return -EROFS }
        guard let buffer, let file = openFile(info), offset >= 0 else { return -EBADF }
        return file.connection.write(file.handle, from: UnsafeRawPointer(buffer), count: size, offset: UInt64(offset))
    }

    private static func release(_ info: UnsafeMutablePointer<fuse_file_info>?) -> Int32 {
        guard let info, let pointer = UnsafeRawPointer(bitPattern: UInt(info.pointee.fh)) else { return 0 }
        let file = Unmanaged<NFSFuseOpenFile>.fromOpaque(pointer).takeRetainedValue()
        info.pointee.fh = 0
        return file.connection.close(file.handle)
    }

    private static func fsync(_ info: UnsafeMutablePointer<fuse_file_info>?) -> Int32 {
        guard let file = openFile(info) else { return -EBADF }
        return file.connection.fsync(file.handle)
    }

    private static func statfs(_ path: UnsafePointer<CChar>?, _ result: UnsafeMutablePointer<statvfs>?) -> Int32 {
        guard let result else { return -EINVAL }
        return onPath(path, write: false) { connection, path in
            var info = nfs_statvfs_64()
            let status = connection.statvfs(path, &info)
            guard status == 0 else { return status }
            var out = statvfs()
            out.f_bsize = UInt(truncatingIfNeeded: info.f_bsize)
            out.f_frsize = UInt(truncatingIfNeeded: info.f_frsize > 0 ? info.f_frsize : info.f_bsize)
            out.f_blocks = fsblkcnt_t(truncatingIfNeeded: info.f_blocks)
            out.f_bfree = fsblkcnt_t(truncatingIfNeeded: info.f_bfree)
            out.f_bavail = fsblkcnt_t(truncatingIfNeeded: info.f_bavail)
            out.f_files = fsfilcnt_t(truncatingIfNeeded: info.f_files)
            out.f_ffree = fsfilcnt_t(truncatingIfNeeded: info.f_ffree)
            out.f_favail = fsfilcnt_t(truncatingIfNeeded: info.f_favail)
            out.f_namemax = UInt(truncatingIfNeeded: info.f_namemax > 0 ? info.f_namemax : 255)
            result.pointee = out
            return 0
        }
    }

    private static func readdir(_ path: UnsafePointer<CChar>?, _ buffer: UnsafeMutableRawPointer?, _ filler: fuse_fill_dir_t?) -> Int32 {
        guard let filler else { return -EINVAL }
        return onPath(path, write: false) { connection, path in
            let (status, entries) = connection.readDirectory(path)
            guard status == 0 else { return status }
            for entry in entries {
                var st = stat()
                st.st_ino = ino_t(truncatingIfNeeded: entry.inode)
                st.st_mode = mode_t(entry.mode)
                // A full buffer means the kernel will ask again with an offset; listing
                // without offsets, libfuse keeps the whole list itself.
                if filler(buffer, entry.name, &st, 0, fuse_fill_dir_flags(rawValue: 0)) != 0 { break }
            }
            return 0
        }
    }

    private static func utimens(_ path: UnsafePointer<CChar>?, _ times: UnsafePointer<timespec>?) -> Int32 {
        onPath(path, write: true) { connection, path in
            var now = timeval()
            gettimeofday(&now, nil)
            var current: nfs_stat_64?
            func value(_ index: Int) -> timeval? {
                guard let times else { return now }
                let time = times[index]
                if time.tv_nsec == CFUSE_UTIME_NOW { return now }
                if time.tv_nsec == CFUSE_UTIME_OMIT {
                    if current == nil {
                        var attributes = nfs_stat_64()
                        guard connection.lstat(path, &attributes) == 0 else { return nil }
                        current = attributes
                    }
                    guard let current else { return nil }
                    return index == 0
                        ? timeval(tv_sec: Int(truncatingIfNeeded: current.nfs_atime), tv_usec: Int(truncatingIfNeeded: current.nfs_atime_nsec / 1000))
                        : timeval(tv_sec: Int(truncatingIfNeeded: current.nfs_mtime), tv_usec: Int(truncatingIfNeeded: current.nfs_mtime_nsec / 1000))
                }
                return timeval(tv_sec: time.tv_sec, tv_usec: time.tv_nsec / 1000)
            }
            guard let access = value(0), let modification = value(1) else { return -EIO }
            return connection.utimes(path, access: access, modification: modification)
        }
    }
}
