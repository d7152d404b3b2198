import Glibc

/// Making and removing the host directories volumes live in.
enum VolumeDirectory {
    /// Makes `path` and any missing parent, then sets `path`'s mode to `mode` exactly (the
    /// agent's umask must not decide what containers may do). Missing parents get 0755, so
    /// that non-root container users can reach the volume.
    static func make(_ path: String, mode: mode_t) throws(VolumeError) {
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            if Glibc.mkdir(current, 0o755) == 0 {
                // Not left to the umask: lvm2_init sets the process's to 077 for a moment.
                _ = Glibc.chmod(current, 0o755)
            } else if errno != EEXIST {
                throw VolumeError(.failed, SystemCallError("mkdir", path: current, errno: errno).description)
            }
        }
        var st = stat()
        guard lstat(path, &st) == 0 else { throw VolumeError(.failed, SystemCallError("lstat", path: path, errno: errno).description) }
        guard st.isDirectory else { throw VolumeError(.unsafe, "\(path) exists and is not a directory") }
        if st.st_mode & 0o7777 != mode, Glibc.chmod(path, mode) != 0 {
            throw VolumeError(.failed, SystemCallError("chmod", path: path, errno: errno).description)
        }
    }

    /// Removes `path` and everything below it without following symlinks and without
    /// entering another filesystem: a mount left below it (which would mean deleting a
    /// volume's data) stops the removal with an error instead. Succeeds when `path` is gone.
    static func remove(_ path: String, mounter: any Mounter = LinuxMounter()) throws(VolumeError) {
        // A bind mount of the same filesystem has the same st_dev: ask the mount table.
        let mounted: [MountEntry]
        do { mounted = try mounter.mounts() } catch { throw VolumeError(.failed, error.description) }
        if let busy = mounted.first(where: { $0.mountPoint == path || $0.mountPoint.hasPrefix(path + "/") }) {
            throw VolumeError(.failed, "cannot remove \(path): \(busy.mountPoint) is still mounted")
        }
        var st = stat()
        guard lstat(path, &st) == 0 else {
            if errno == ENOENT { return }
            throw VolumeError(.failed, SystemCallError("lstat", path: path, errno: errno).description)
        }
        guard st.isDirectory else {
            if unlink(path) != 0 && errno != ENOENT {
                throw VolumeError(.failed, SystemCallError("unlink", path: path, errno: errno).description)
            }
            return
        }
        do {
            let root = try FileHandleAt.open(path, followLast: false)
            try removeContents(of: root, device: st.st_dev)
        } catch {
            throw VolumeError(.failed, "cannot remove \(path): \(error)")
        }
        if rmdir(path) != 0 && errno != ENOENT {
            throw VolumeError(.failed, SystemCallError("rmdir", path: path, errno: errno).description)
        }
    }

    /// Makes the empty file `path` (a "set-up finished" marker) and its directory (0700:
    /// only the agent reads it); an existing marker is kept.
    static func makeMarker(_ path: String) throws(VolumeError) {
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        try make(parent, mode: 0o700)
        let fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw VolumeError(.failed, SystemCallError("open", path: path, errno: errno).description) }
        close(fd)
    }

    /// Removes `path` if it is an empty directory; anything else is left alone.
    static func removeIfEmpty(_ path: String) {
        _ = rmdir(path)
    }

    private static func removeContents(of directory: FileHandleAt, device: dev_t) throws(SystemCallError) {
        for name in try directory.entries() {
            guard let st = try directory.entryStatus(name) else { continue }
            if st.isDirectory {
                guard st.st_dev == device else {
                    throw SystemCallError("rmdir (another filesystem is mounted there)", path: FileHandleAt.join(directory.path, name), errno: EBUSY)
                }
                try removeContents(of: try directory.child(name, directory: true), device: device)
                try systemCall("unlinkat", path: FileHandleAt.join(directory.path, name)) { unlinkat(directory.fd, name, AT_REMOVEDIR) }
            } else {
                do {
                    try systemCall("unlinkat", path: FileHandleAt.join(directory.path, name)) { unlinkat(directory.fd, name, 0) }
                } catch where error.errno == ENOENT {
                    // Gone meanwhile.
                }
            }
        }
    }
}
