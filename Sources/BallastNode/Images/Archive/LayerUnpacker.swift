import BallastStorage
import Glibc

/// Applies image layers, in order, to one directory, the way Docker and containerd do:
/// tar entries are created with their numeric owners, modes (setuid included), times,
/// symlinks, hard links, device nodes (where the kernel lets us) and `security.*`/`user.*`
/// extended attributes; `.wh.NAME` deletes NAME from the layers below and
/// `.wh..wh..opq` empties its directory of what the layers below put there.
///
/// Nothing in a layer can reach outside the directory: an entry naming ".." is refused
/// (the whole layer fails, as Docker's "breakout" check does), every path is resolved
/// inside the root by `RootedDirectory` (so a symlink to "/etc" means the image's /etc),
/// and an entry replaces whatever is at its name instead of writing through a symlink.
/// Directory modification times are not restored (the next entry would change them).
final class LayerUnpacker {
    private let root: RootedDirectory
    private let device: dev_t
    private var chunk = [UInt8](repeating: 0, count: 256 * 1024)
    /// The parent directory of the last entry, reused while entries stay in it.
    private var cachedParent: (components: ArraySlice<String>, descriptor: Int32)?

    /// Unpacks into the existing directory `rootPath`.
    init(rootPath: String) throws(SystemCallError) {
        let root = try RootedDirectory(path: rootPath)
        var status = stat()
        try posixCall("stat", path: rootPath) { fstat(root.rootDescriptor, &status) }
        self.root = root
        device = status.st_dev
    }

    deinit { dropCache() }

    /// Applies one layer: `tarStream` is the uncompressed tar.
    /// - Throws: `UnsafePathError` for an entry that would escape, `ArchiveError` for a
    ///   malformed tar, `SystemCallError` when the filesystem refuses.
    func apply(_ tarStream: any ByteReader) throws {
        let tar = TarReader(tarStream)
        // Paths this layer created: an opaque marker keeps them, whatever their order.
        var created = Set<String>()
        defer { dropCache() }
        while let entry = try tar.next() {
            let components = try RootedDirectory.components(of: entry.path)
            guard let name = components.last else {
                if entry.kind == .directory { try setOwnerAndMode(root.rootDescriptor, entry, display: root.path) }
                continue
            }
            let parentComponents = components.dropLast()
            if name.hasPrefix(".wh.") {
                dropCache()
                try applyWhiteout(name: name, in: parentComponents, created: created, entryPath: entry.path)
                continue
            }
            created.insert(components.joined(separator: "/"))
            let parent = try parentDescriptor(parentComponents)
            let display = root.display(components)
            switch entry.kind {
            case .regularFile: try writeFile(entry, tar: tar, in: parent, name: name, display: display)
            case .directory: try makeDirectory(entry, in: parent, name: name, display: display)
            case .symbolicLink: try makeSymlink(entry, in: parent, name: name, display: display)
            case .hardLink: try makeHardLink(entry, in: parent, name: name, display: display)
            case .characterDevice, .blockDevice, .fifo: try makeNode(entry, in: parent, name: name, display: display)
            }
        }
    }

    // MARK: - Whiteouts

    private func applyWhiteout(name: String, in parentComponents: ArraySlice<String>, created: Set<String>, entryPath: String) throws {
        if name == ".wh..wh..opq" {
            let (directory, _) = try root.openDirectory(Array(parentComponents), create: true)
            defer { close(directory) }
            let prefix = parentComponents.isEmpty ? "" : parentComponents.joined(separator: "/") + "/"
            try TreeRemoval.removeChildren(of: directory, device: device, display: root.display(Array(parentComponents))) { child in
                created.contains(prefix + child)
            }
            return
        }
        // Other ".wh..wh." names are AUFS bookkeeping (hard-link directories), not deletions.
        if name.hasPrefix(".wh..wh.") { return }
        let target = String(name.dropFirst(4))
        guard !target.isEmpty, target != ".", target != ".." else {
            throw UnsafePathError(path: entryPath, reason: "a whiteout must name an entry")
        }
        // No such directory: nothing below to delete.
        guard let directory = try openExistingDirectory(Array(parentComponents)) else { return }
        defer { close(directory) }
        try TreeRemoval.remove(in: directory, target, device: device, display: root.display(Array(parentComponents) + [target]))
    }

    // MARK: - Entries

    private func writeFile(_ entry: TarEntry, tar: TarReader, in parent: Int32, name: String, display: String) throws {
        try clear(name, in: parent, keepDirectory: false, display: display)
        let fd = try posixCall("create", path: display) { openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600) }
        defer { close(fd) }
        while true {
            let count = try chunk.withUnsafeMutableBytes { try tar.readData(into: $0) }
            if count == 0 { break }
            try FileIO.writeAll(fd, chunk[0..<count], path: display)
        }
        try setOwnerAndMode(fd, entry, display: display)
        setAttributes(fd, entry)
        var times = Self.times(entry)
        try posixCall("futimens", path: display) { futimens(fd, &times) }
    }

    private func makeDirectory(_ entry: TarEntry, in parent: Int32, name: String, display: String) throws {
        if try !clear(name, in: parent, keepDirectory: true, display: display) {
            try posixCall("mkdir", path: display) { mkdirat(parent, name, 0o700) }
        }
        let fd = try posixCall("open", path: display) { openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        defer { close(fd) }
        try setOwnerAndMode(fd, entry, display: display)
        setAttributes(fd, entry)
    }

    private func makeSymlink(_ entry: TarEntry, in parent: Int32, name: String, display: String) throws {
        try clear(name, in: parent, keepDirectory: false, display: display)
        try posixCall("symlink", path: display) { symlinkat(entry.linkName, parent, name) }
        try posixCall("lchown", path: display) { fchownat(parent, name, uid_t(entry.uid), gid_t(entry.gid), AT_SYMLINK_NOFOLLOW) }
        var times = Self.times(entry)
        try posixCall("utimensat", path: display) { utimensat(parent, name, &times, AT_SYMLINK_NOFOLLOW) }
    }

    private func makeHardLink(_ entry: TarEntry, in parent: Int32, name: String, display: String) throws {
        let targetComponents = try RootedDirectory.components(of: entry.linkName)
        let (targetParent, targetName) = try root.openParent(targetComponents, create: false)
        defer { close(targetParent) }
        try clear(name, in: parent, keepDirectory: false, display: display)
        // Flags 0: a link to a symlink links the symlink itself, never what it points to.
        try posixCall("link", path: display) { linkat(targetParent, targetName, parent, name, 0) }
    }

    private func makeNode(_ entry: TarEntry, in parent: Int32, name: String, display: String) throws {
        try clear(name, in: parent, keepDirectory: false, display: display)
        let type: mode_t = switch entry.kind {
        case .characterDevice: S_IFCHR
        case .blockDevice: S_IFBLK
        default: S_IFIFO
        }
        let device = Self.makeDevice(major: entry.deviceMajor, minor: entry.deviceMinor)
        if mknodat(parent, name, type | mode_t(entry.mode & 0o777), device) != 0 {
            let code = errno
            // Without CAP_MKNOD (a user namespace) devices are skipped, as containerd does.
            if code == EPERM && entry.kind != .fifo { return }
            throw SystemCallError("mknod", path: display, errno: code)
        }
        try posixCall("lchown", path: display) { fchownat(parent, name, uid_t(entry.uid), gid_t(entry.gid), AT_SYMLINK_NOFOLLOW) }
        // The node was just made by us, so following it (fchmodat cannot do otherwise) is safe.
        try posixCall("chmod", path: display) { fchmodat(parent, name, mode_t(entry.mode), 0) }
    }

    // MARK: - Plumbing

    /// Removes what is at `name` unless it is a directory and `keepDirectory`; returns
    /// whether a directory was kept.
    @discardableResult
    private func clear(_ name: String, in parent: Int32, keepDirectory: Bool, display: String) throws(SystemCallError) -> Bool {
        var status = stat()
        guard fstatat(parent, name, &status, AT_SYMLINK_NOFOLLOW) == 0 else {
            let code = errno
            if code == ENOENT { return false }
            throw SystemCallError("stat", path: display, errno: code)
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            if keepDirectory { return true }
            try TreeRemoval.remove(in: parent, name, device: device, display: display)
            return false
        }
        try posixCall("unlink", path: display) { unlinkat(parent, name, 0) }
        return false
    }

    /// Owner first, then mode: chown clears setuid and setgid bits.
    private func setOwnerAndMode(_ fd: Int32, _ entry: TarEntry, display: String) throws(SystemCallError) {
        try posixCall("chown", path: display) { fchown(fd, uid_t(entry.uid), gid_t(entry.gid)) }
        try posixCall("chmod", path: display) { fchmod(fd, mode_t(entry.mode)) }
    }

    /// Extended attributes a container may rely on (file capabilities such as ping's
    /// cap_net_raw, user.* metadata); trusted.* and others are not taken from images.
    private func setAttributes(_ fd: Int32, _ entry: TarEntry) {
        for (key, value) in entry.extendedAttributes where key == "security.capability" || key.hasPrefix("user.") {
            // A filesystem without xattr support loses them, as with Docker's unpack.
            _ = value.withUnsafeBytes { LinuxExtras.fsetxattr(fd, key, $0.baseAddress, $0.count, 0) }
        }
    }

    private func openExistingDirectory(_ components: [String]) throws(SystemCallError) -> Int32? {
        do {
            return try root.openDirectory(components, create: false).descriptor
        } catch where error.errno == ENOENT || error.errno == ENOTDIR {
            return nil
        }
    }

    private func parentDescriptor(_ components: ArraySlice<String>) throws(SystemCallError) -> Int32 {
        if let cachedParent, cachedParent.components == components { return cachedParent.descriptor }
        dropCache()
        let (descriptor, _) = try root.openDirectory(Array(components), create: true)
        cachedParent = (components, descriptor)
        return descriptor
    }

    private func dropCache() {
        if let cachedParent { close(cachedParent.descriptor) }
        cachedParent = nil
    }

    private static func times(_ entry: TarEntry) -> [timespec] {
        let time = timespec(tv_sec: Int(entry.modificationSeconds), tv_nsec: entry.modificationNanoseconds)
        return [time, time]
    }

    /// glibc's makedev() is a macro Swift does not import.
    static func makeDevice(major: UInt32, minor: UInt32) -> dev_t {
        let major = dev_t(major)
        let minor = dev_t(minor)
        return (minor & 0xff) | ((major & 0xfff) << 8) | ((minor & ~0xff) << 12) | ((major & ~0xfff) << 32)
    }
}
