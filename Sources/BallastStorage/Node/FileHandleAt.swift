import Glibc

/// An open descriptor for one object in a volume, and the *at() calls that act relative to
/// it: the one place the node half of the storage module walks directory trees.
///
/// Everything a pod's containers can write (a volume's content) is walked only through
/// descriptors, one component at a time, with O_NOFOLLOW: a symlink swapped in between a
/// check and a use can redirect nothing (CVE-2017-1002101). The descriptor closes when the
/// value is released.
final class FileHandleAt {
    /// The descriptor.
    let fd: Int32
    /// The path it was reached by, for messages only (never used to act on the object).
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Opens `path` itself: the root of a walk (a path Ballast made, not a volume's content).
    /// - Parameter pathOnly: O_PATH (no read access needed: enough to stat, bind or walk).
    static func open(_ path: String, directory: Bool = true, pathOnly: Bool = false, followLast: Bool = true) throws(SystemCallError) -> FileHandleAt {
        var flags = O_CLOEXEC | (pathOnly ? Self.pathFlag : O_RDONLY)
        if directory { flags |= O_DIRECTORY }
        if !followLast { flags |= O_NOFOLLOW }
        let fd = try systemCall("open", path: path) { Glibc.open(path, flags) }
        return FileHandleAt(fd: fd, path: path)
    }

    /// Opens the entry `name` (one component, no "/") of this directory without following a
    /// symlink: a symlink is opened as itself (O_PATH), a directory for reading when
    /// `directory` is set.
    func child(_ name: String, directory: Bool = false) throws(SystemCallError) -> FileHandleAt {
        let childPath = Self.join(path, name)
        let flags = O_CLOEXEC | O_NOFOLLOW | (directory ? O_RDONLY | O_DIRECTORY : Self.pathFlag)
        let child = try systemCall("openat", path: childPath) { openat(fd, name, flags) }
        return FileHandleAt(fd: child, path: childPath)
    }

    /// The same directory opened again for reading (from an O_PATH descriptor), so that
    /// its entries can be listed.
    func reopenedAsDirectory() throws(SystemCallError) -> FileHandleAt {
        let reopened = try systemCall("open", path: path) { Glibc.open(procPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        return FileHandleAt(fd: reopened, path: path)
    }

    /// fstat of the object.
    func status() throws(SystemCallError) -> stat {
        var st = stat()
        try systemCall("fstat", path: path) { fstat(fd, &st) }
        return st
    }

    /// lstat of entry `name` of this directory, or nil when it does not exist.
    func entryStatus(_ name: String) throws(SystemCallError) -> stat? {
        var st = stat()
        do {
            try systemCall("fstatat", path: Self.join(path, name)) { fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) }
        } catch where error.errno == ENOENT {
            return nil
        }
        return st
    }

    /// The entry names of this directory (opened with `directory: true`), without "." and "..".
    func entries() throws(SystemCallError) -> [String] {
        // fdopendir takes over the descriptor it is given: hand it a duplicate.
        let copy = try systemCall("dup", path: path) { fcntl(fd, F_DUPFD_CLOEXEC, 0) }
        guard let stream = fdopendir(copy) else {
            let code = errno
            close(copy)
            throw SystemCallError("fdopendir", path: path, errno: code)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemCallError("readdir", path: path, errno: errno) }
                break
            }
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Creates directory `name` in this directory with `mode` (umask applies; chmod after).
    func makeDirectory(_ name: String, mode: mode_t) throws(SystemCallError) {
        try systemCall("mkdirat", path: Self.join(path, name)) { mkdirat(fd, name, mode) }
    }

    /// The target of symlink `name` in this directory.
    func readLink(_ name: String) throws(SystemCallError) -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try systemCall("readlinkat", path: Self.join(path, name)) { readlinkat(fd, name, &buffer, buffer.count - 1) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Sets the group of the object itself (a symlink stays a symlink: AT_EMPTY_PATH on an
    /// O_PATH descriptor acts on what was opened).
    func changeGroup(_ gid: gid_t) throws(SystemCallError) {
        try systemCall("chown", path: path) { fchownat(fd, "", uid_t.max, gid, Self.emptyPathFlag) }
    }

    /// Sets the permission bits of the object (never a symlink's target: the descriptor
    /// names the object, and /proc/self/fd/N reaches exactly it).
    func changeMode(_ mode: mode_t) throws(SystemCallError) {
        try systemCall("chmod", path: path) { chmod(procPath, mode) }
    }

    /// /proc/self/fd/N: a path that names exactly this object, for calls that take only a
    /// path (mount(2), chmod(2) on an O_PATH descriptor).
    var procPath: String { "/proc/self/fd/\(fd)" }

    /// `base` + "/" + `name`, for messages.
    static func join(_ base: String, _ name: String) -> String {
        base.hasSuffix("/") ? base + name : base + "/" + name
    }

    // Linux values Swift's Glibc module does not surface (it is built without _GNU_SOURCE).
    static let pathFlag: Int32 = 0o10000000
    static let emptyPathFlag: Int32 = 0x1000
}

extension stat {
    /// The file type bits (S_IFMT).
    var fileType: mode_t { st_mode & S_IFMT }
    var isDirectory: Bool { fileType == S_IFDIR }
    var isSymlink: Bool { fileType == S_IFLNK }
    var isRegularFile: Bool { fileType == S_IFREG }
}
