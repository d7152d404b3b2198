import Glibc

/// Opens a path inside a volume the way openat2(RESOLVE_BENEATH) would, in user space: one
/// component at a time from the volume root's descriptor, each with O_NOFOLLOW.
///
/// A symlink met on the way is read and followed by this code, not by the kernel, and only
/// while it stays inside the volume: a relative target is spliced into the remaining
/// components; ".." pops the walk's own stack of descriptors (never the directory's real
/// parent, which a rename may have changed) and refuses to climb above the root; an
/// absolute target is refused. So a container that replaces a directory with a symlink to
/// "/" (CVE-2017-1002101) gets an error, while a volume's own internal links still work,
/// as upstream's subPath does. The result is a descriptor: binding /proc/self/fd/N mounts
/// exactly the object that was checked.
struct BeneathResolver {
    /// The most symlinks one resolution follows (the kernel's MAXSYMLINKS).
    static let symlinkLimit = 40

    /// What went wrong, in words for a FailedMount event.
    enum Failure: Error, Equatable {
        case escapes(String)
        case invalid(String)
        case system(SystemCallError)
    }

    /// Opens `relativePath` beneath `root` (O_PATH). With `createMode`, missing directories
    /// are made with that mode (and chmod'ed to it, whatever the umask).
    static func open(_ relativePath: String, beneath root: FileHandleAt, createMode: mode_t?) throws(Failure) -> FileHandleAt {
        guard !relativePath.hasPrefix("/") else { throw .invalid("\(relativePath) must be a relative path") }
        var pending = Array(relativePath.split(separator: "/").map(String.init).reversed())
        var stack: [FileHandleAt] = [root]
        var followed = 0
        while let name = pending.popLast() {
            if name == "." || name.isEmpty { continue }
            if name == ".." {
                guard stack.count > 1 else { throw .escapes("\(relativePath) leads outside the volume") }
                stack.removeLast()
                continue
            }
            // The directory to look in is always the last one opened by this walk.
            guard let current = stack.last else { throw .escapes("\(relativePath) leads outside the volume") }
            let status: stat?
            do { status = try current.entryStatus(name) } catch { throw .system(error) }
            guard let status else {
                guard let createMode else {
                    throw .system(SystemCallError("openat", path: FileHandleAt.join(current.path, name), errno: ENOENT))
                }
                do {
                    do {
                        try current.makeDirectory(name, mode: createMode)
                    } catch where error.errno == EEXIST {
                        // Made meanwhile: opened (and checked) below like any other entry.
                    }
                    let made = try current.child(name)
                    if try made.status().isDirectory { try made.changeMode(createMode) }
                } catch {
                    throw .system(error)
                }
                pending.append(name)
                continue
            }
            if status.isSymlink {
                followed += 1
                guard followed <= symlinkLimit else { throw .system(SystemCallError("openat", path: relativePath, errno: ELOOP)) }
                let target: String
                do { target = try current.readLink(name) } catch { throw .system(error) }
                guard !target.hasPrefix("/") else {
                    throw .escapes("\(FileHandleAt.join(current.path, name)) is a symlink to \(target), outside the volume")
                }
                pending += target.split(separator: "/").map(String.init).reversed()
                continue
            }
            let opened: FileHandleAt
            let isSymlink: Bool
            do {
                opened = try current.child(name)
                isSymlink = try opened.status().isSymlink
            } catch {
                throw .system(error)
            }
            // Swapped for a symlink since the check above: refuse rather than follow.
            if isSymlink { throw .system(SystemCallError("openat", path: opened.path, errno: ELOOP)) }
            stack.append(opened)
        }
        // An empty path (or one that cancels out) is the root itself.
        guard let last = stack.last else { throw .escapes("\(relativePath) leads outside the volume") }
        return last
    }
}
