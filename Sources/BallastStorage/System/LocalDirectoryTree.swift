import Glibc

/// Removes directory trees on the local filesystem without ever following a symlink: every
/// step opens relative to the directory descriptor it came from, with O_NOFOLLOW, so a
/// symlink planted inside (even one swapped in during the walk) is unlinked, never
/// entered. This is how Recycle scrubs a hostPath volume (storage-rules.md rule 6).
public enum LocalDirectoryTree {
    /// Empties `path` (dotfiles included) and keeps the directory; then checks it is empty.
    public static func removeContents(of path: String) throws(VolumeError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw VolumeError(.failed, "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        try removeEntries(in: fd, path: path, depth: 0)
        let left = try entries(in: fd, path: path)
        if !left.isEmpty {
            throw VolumeError(.failed, "\(path) still holds \(left.count) entries after the scrub")
        }
    }

    /// Removes `path` and everything under it; a path already gone is success.
    public static func removeTree(_ path: String) throws(VolumeError) {
        var info = stat()
        if lstat(path, &info) != 0 {
            if errno == ENOENT { return }
            throw VolumeError(.failed, "cannot stat \(path): \(String(cString: strerror(errno)))")
        }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            try removeContents(of: path)
            if rmdir(path) != 0 && errno != ENOENT {
                throw VolumeError(.failed, "cannot remove \(path): \(String(cString: strerror(errno)))")
            }
        } else if unlink(path) != 0 && errno != ENOENT {
            throw VolumeError(.failed, "cannot remove \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func entries(in fd: Int32, path: String) throws(VolumeError) -> [String] {
        let copy = dup(fd)
        guard copy >= 0, let directory = fdopendir(copy) else {
            throw VolumeError(.failed, "cannot read \(path): \(String(cString: strerror(errno)))")
        }
        defer { closedir(directory) }
        rewinddir(directory)
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func removeEntries(in fd: Int32, path: String, depth: Int) throws(VolumeError) {
        guard depth < 4096 else { throw VolumeError(.failed, "\(path) nests too deeply to scrub") }
        for name in try entries(in: fd, path: path) {
            var info = stat()
            if fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) != 0 {
                if errno == ENOENT { continue }
                throw VolumeError(.failed, "cannot stat \(path)/\(name): \(String(cString: strerror(errno)))")
            }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                let child = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
                guard child >= 0 else { throw VolumeError(.failed, "cannot open \(path)/\(name): \(String(cString: strerror(errno)))") }
                do {
                    try removeEntries(in: child, path: "\(path)/\(name)", depth: depth + 1)
                    close(child)
                } catch {
                    close(child)
                    throw error
                }
                if unlinkat(fd, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
                    throw VolumeError(.failed, "cannot remove \(path)/\(name): \(String(cString: strerror(errno)))")
                }
            } else if unlinkat(fd, name, 0) != 0 && errno != ENOENT {
                throw VolumeError(.failed, "cannot remove \(path)/\(name): \(String(cString: strerror(errno)))")
            }
        }
    }
}
