import Glibc

/// Functions Swift's Glibc module hides (it is built without _GNU_SOURCE, and sys/xattr.h
/// is not in its module map), looked up once at run time. Each has a fallback that
/// reports ENOSYS rather than crashing when the C library lacks it.
enum LinuxExtras {
    private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private typealias SetXattr = @convention(c) (Int32, UnsafePointer<CChar>?, UnsafeRawPointer?, Int, Int32) -> Int32

    private static let pipe2Function: Pipe2? = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
    private static let closeFromFunction: CloseFrom? =
        dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map { unsafeBitCast($0, to: CloseFrom.self) }
    private typealias SyncFS = @convention(c) (Int32) -> Int32
    private static let syncfsFunction: SyncFS? = dlsym(nil, "syncfs").map { unsafeBitCast($0, to: SyncFS.self) }
    private static let setXattrFunction: SetXattr? =
        dlsym(nil, "fsetxattr").map { unsafeBitCast($0, to: SetXattr.self) }

    /// pipe2(2) with `flags` (O_CLOEXEC), so a child spawned by another thread at the same
    /// moment cannot inherit the ends; pipe + fcntl where pipe2 is missing.
    static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
        if let pipe2Function { return pipe2Function(fds, flags) }
        guard pipe(fds) == 0 else { return -1 }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        return 0
    }

    /// Closes every descriptor from `lowest` up in a spawned child (glibc 2.34+); without
    /// it the child relies on O_CLOEXEC alone.
    static func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ lowest: Int32) {
        _ = closeFromFunction?(actions, lowest)
    }

    /// fsetxattr(2).
    static func fsetxattr(_ fd: Int32, _ name: String, _ value: UnsafeRawPointer?, _ size: Int, _ flags: Int32) -> Int32 {
        guard let setXattrFunction else {
            errno = ENOSYS
            return -1
        }
        return setXattrFunction(fd, name, value, size, flags)
    }

    /// syncfs(2): flushes the filesystem holding `fd`; sync(2) where it is missing.
    static func syncfs(_ fd: Int32) -> Int32 {
        guard let syncfsFunction else {
            sync()
            return 0
        }
        return syncfsFunction(fd)
    }
}
