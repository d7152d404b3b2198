import BallastStorage
import Glibc

/// `rm -rf --one-file-system` that cannot be tricked: it never follows a symlink, never
/// descends into a directory on another filesystem, and refuses to start when something is
/// still mounted inside the tree (a volume left mounted in a pod directory must make the
/// teardown fail, not lose the volume's data).
enum TreeRemoval {
    /// Removes `path` and everything below it; succeeds if `path` does not exist.
    /// - Throws: `SystemCallError` with EBUSY when a mount point lies at or below `path`.
    static func remove(_ path: String, mounter: any Mounter = LinuxMounter()) throws(SystemCallError) {
        guard FileIO.exists(path) else { return }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        if let busy = try mounter.mounts().first(where: { $0.mountPoint == path || $0.mountPoint.hasPrefix(prefix) }) {
            throw SystemCallError("remove (\(busy.mountPoint) is still mounted)", path: path, errno: EBUSY)
        }
        let parentPath = path.split(separator: "/").dropLast().joined(separator: "/")
        let name = String(path.split(separator: "/").last ?? "")
        let parent = try posixCall("open", path: "/" + parentPath) { open("/" + parentPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        defer { close(parent) }
        var status = stat()
        try posixCall("stat", path: path) { fstatat(parent, name, &status, AT_SYMLINK_NOFOLLOW) }
        try remove(in: parent, name, device: status.st_dev, display: path)
    }

    /// Removes the entry `name` of `directory` (recursively if it is a directory on `device`).
    static func remove(in directory: Int32, _ name: String, device: dev_t, display: String) throws(SystemCallError) {
        if unlinkat(directory, name, 0) == 0 { return }
        let code = errno
        if code == ENOENT { return }
        guard code == EISDIR || code == EPERM else { throw SystemCallError("unlink", path: display, errno: code) }
        let child = try posixCall("open", path: display) { openat(directory, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        do throws(SystemCallError) {
            var status = stat()
            try posixCall("stat", path: display) { fstat(child, &status) }
            guard status.st_dev == device else {
                throw SystemCallError("remove (another filesystem is mounted there)", path: display, errno: EXDEV)
            }
            try removeChildren(of: child, device: device, display: display) { _ in false }
            close(child)
        } catch {
            close(child)
            throw error
        }
        try posixCall("rmdir", path: display) { unlinkat(directory, name, AT_REMOVEDIR) }
    }

    /// Removes the entries of `directory` for which `keep` is false.
    static func removeChildren(of directory: Int32, device: dev_t, display: String, keep: (String) -> Bool) throws(SystemCallError) {
        for name in try entries(of: directory, display: display) where !keep(name) {
            try remove(in: directory, name, device: device, display: display + "/" + name)
        }
    }

    /// The names in an open directory (no "." or "..").
    static func entries(of directory: Int32, display: String) throws(SystemCallError) -> [String] {
        let copy = try posixCall("dup", path: display) { dup(directory) }
        guard let stream = fdopendir(copy) else {
            let code = errno
            close(copy)
            throw SystemCallError("opendir", path: display, errno: code)
        }
        defer { closedir(stream) }
        rewinddir(stream)
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
