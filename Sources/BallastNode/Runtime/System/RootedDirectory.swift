import BallastStorage
import Glibc

/// A directory tree in which every path is resolved as if its root were "/": symlinks are
/// followed, but an absolute target starts again at the tree's root and ".." stops there,
/// exactly as a process chrooted into it would see them. Nothing a tree contains can make
/// an operation here touch a file outside it.
///
/// Walking is done with descriptors (openat with O_NOFOLLOW, one component at a time), so a
/// symlink is only ever read, never traversed by the kernel. Used to unpack image layers,
/// to read an image's /etc/passwd, and to prepare a container's working directory.
///
/// Not thread-safe: one unpacking job owns one instance.
final class RootedDirectory {
    /// The host path of the root.
    let path: String
    /// An O_RDONLY|O_DIRECTORY descriptor of the root.
    let rootDescriptor: Int32

    /// How many symlinks one resolution may expand (Linux's MAXSYMLINKS).
    static let symlinkLimit = 40

    /// Opens the tree at `path` (which must be a directory).
    init(path: String) throws(SystemCallError) {
        self.path = path
        rootDescriptor = try posixCall("open", path: path) { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    }

    deinit { close(rootDescriptor) }

    /// The components of a path named by an archive or an image ("./usr/bin/", "/etc/passwd"):
    /// leading "/" and "./" go, empty and "." components go.
    /// - Throws: `UnsafePathError` when a component is "..": an archive entry may never
    ///   climb, whatever the directory it would climb from.
    static func components(of path: String) throws(UnsafePathError) -> [String] {
        var result: [String] = []
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            if component == "." { continue }
            if component == ".." { throw UnsafePathError(path: path, reason: "it contains \"..\"") }
            result.append(String(component))
        }
        return result
    }

    /// Opens the directory at `components`, resolved inside the tree; with `create`, missing
    /// directories are made (mode 0755, owned by the caller) as `mkdir -p` would.
    /// - Returns: a descriptor the caller closes, and the canonical components of the
    ///   directory reached (symlinks resolved).
    func openDirectory(_ components: [String], create: Bool) throws(SystemCallError) -> (descriptor: Int32, canonical: [String]) {
        var pending = Array(components.reversed())
        var stack: [(descriptor: Int32, name: String)] = []
        var links = 0
        var failure: SystemCallError?
        walk: while let component = pending.popLast() {
            let current = stack.last?.descriptor ?? rootDescriptor
            if component.isEmpty || component == "." { continue }
            if component == ".." {
                if let top = stack.popLast() { close(top.descriptor) }
                continue
            }
            let descriptor = openat(current, component, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if descriptor >= 0 {
                stack.append((descriptor, component))
                continue
            }
            let code = errno
            switch code {
            case EINTR:
                pending.append(component)
            case ENOENT where create:
                if mkdirat(current, component, 0o755) != 0 && errno != EEXIST {
                    failure = SystemCallError("mkdir", path: display(stack.map(\.name) + [component]), errno: errno)
                    break walk
                }
                pending.append(component)
            case ELOOP, ENOTDIR:
                var status = stat()
                guard fstatat(current, component, &status, AT_SYMLINK_NOFOLLOW) == 0, status.st_mode & S_IFMT == S_IFLNK else {
                    failure = SystemCallError("open", path: display(stack.map(\.name) + [component]), errno: ENOTDIR)
                    break walk
                }
                links += 1
                guard links <= Self.symlinkLimit, let target = readLink(in: current, component) else {
                    failure = SystemCallError("readlink", path: display(stack.map(\.name) + [component]), errno: ELOOP)
                    break walk
                }
                if target.hasPrefix("/") {
                    for entry in stack { close(entry.descriptor) }
                    stack.removeAll()
                }
                pending.append(contentsOf: target.split(separator: "/").map(String.init).reversed())
            default:
                failure = SystemCallError("open", path: display(stack.map(\.name) + [component]), errno: code)
                break walk
            }
        }
        if let failure {
            for entry in stack { close(entry.descriptor) }
            throw failure
        }
        let names = stack.map(\.name)
        guard let last = stack.popLast() else {
            let copy = try posixCall("dup", path: path) { dup(rootDescriptor) }
            return (copy, [])
        }
        for entry in stack { close(entry.descriptor) }
        return (last.descriptor, names)
    }

    /// The directory holding the last of `components` (resolved inside the tree, made when
    /// `create`), and that last name, which is not resolved: operations on it act on the
    /// entry itself, a symlink included.
    func openParent(_ components: [String], create: Bool) throws(SystemCallError) -> (descriptor: Int32, name: String) {
        guard let name = components.last else { throw SystemCallError("open", path: path, errno: EISDIR) }
        let (descriptor, _) = try openDirectory(Array(components.dropLast()), create: create)
        return (descriptor, name)
    }

    /// Opens the regular file at `components` for reading, following symlinks inside the
    /// tree; a FIFO or device there is refused (EINVAL), so a crafted image cannot block or
    /// read a device.
    func openRegularFile(_ components: [String]) throws(SystemCallError) -> Int32 {
        var path = components
        var links = 0
        while true {
            guard let name = path.last else { throw SystemCallError("open", path: display(components), errno: EISDIR) }
            let (directory, canonical) = try openDirectory(Array(path.dropLast()), create: false)
            defer { close(directory) }
            let descriptor = openat(directory, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            if descriptor >= 0 {
                var status = stat()
                guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
                    close(descriptor)
                    throw SystemCallError("open", path: display(components), errno: EINVAL)
                }
                return descriptor
            }
            let code = errno
            if code == EINTR { continue }
            guard code == ELOOP else { throw SystemCallError("open", path: display(components), errno: code) }
            links += 1
            guard links <= Self.symlinkLimit, let target = readLink(in: directory, name) else {
                throw SystemCallError("open", path: display(components), errno: ELOOP)
            }
            let targetComponents = target.split(separator: "/").map(String.init)
            path = target.hasPrefix("/") ? targetComponents : canonical + targetComponents
        }
    }

    /// Reads a whole regular file inside the tree (see `openRegularFile`).
    func readFile(_ components: [String], limit: Int = 16 << 20) throws(SystemCallError) -> [UInt8] {
        let descriptor = try openRegularFile(components)
        defer { close(descriptor) }
        return try FileIO.readAll(descriptor, path: display(components), limit: limit)
    }

    /// The host path for `components`, for messages only.
    func display(_ components: [String]) -> String {
        components.isEmpty ? path : path + "/" + components.joined(separator: "/")
    }

    /// readlinkat(2), or nil if `name` is not a symlink.
    func readLink(in directory: Int32, _ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(directory, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// An archive or image path that would leave the directory it is unpacked into.
struct UnsafePathError: Error, Sendable, CustomStringConvertible {
    /// The path as the archive named it.
    var path: String
    /// Why it is refused.
    var reason: String

    var description: String { "refusing \"\(path)\": \(reason)" }
}
