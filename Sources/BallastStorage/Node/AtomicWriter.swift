import Foundation
import Glibc

/// One file of an API data volume: its bytes and permission bits.
public struct FileProjection: Sendable, Hashable {
    /// The content.
    public var data: [UInt8]
    /// The permission bits (a volume's defaultMode or an item's mode).
    public var mode: UInt32

    /// Makes a value.
    public init(data: [UInt8], mode: UInt32) {
        self.data = data
        self.mode = mode
    }
}

/// Writes a set of files into a directory so that a reader always sees one whole version,
/// never a mix or a half-written file: the kubelet's AtomicWriter layout.
///
/// ```
/// <dir>/..2024_05_01_10_00_00.123456789   the current version's files (0755 directory)
/// <dir>/..data -> ..2024_05_01_10_00_00.123456789
/// <dir>/key    -> ..data/key               one symlink per top-level name
/// ```
/// An update writes a new timestamped directory completely, then renames a fresh `..data_tmp`
/// symlink over `..data` (rename(2) is atomic), then adds and removes the per-name symlinks
/// and deletes the old directory. Every path through a per-name symlink resolves through
/// `..data`, so it sees either the old version or the new one.
struct AtomicWriter {
    /// The volume directory.
    let directory: String

    static let dataDirectoryName = "..data"
    static let newDataDirectoryName = "..data_tmp"

    /// Checks a payload path as upstream's validatePath does: relative, at most 4096 bytes,
    /// no element longer than 255, no ".." element, not starting with "..".
    static func validate(path: String) -> String? {
        if path.isEmpty { return "invalid path: must not be empty" }
        if path.utf8.count > 4096 { return "invalid path: must be less than or equal to 4096 characters" }
        if path.hasPrefix("/") { return "invalid path: must be relative path: \(path)" }
        if path.hasPrefix("..") { return "invalid path: must not start with '..': \(path)" }
        for element in path.split(separator: "/", omittingEmptySubsequences: false) {
            if element.utf8.count > 255 { return "invalid path: each element must be less than or equal to 255 characters" }
            if element == ".." { return "invalid path: must not contain '..': \(path)" }
        }
        return nil
    }

    /// Makes the directory show `payload`, replacing what it showed.
    /// - Parameter group: a pod's fsGroup, applied (read-only mask) to the new version
    ///   before it becomes visible.
    /// - Returns: whether anything changed (an identical payload writes nothing).
    @discardableResult
    func write(_ payload: [String: FileProjection], group: gid_t?) throws(VolumeError) -> Bool {
        var cleaned: [String: FileProjection] = [:]
        for (path, file) in payload {
            if let problem = Self.validate(path: path) { throw VolumeError(.invalid, problem) }
            cleaned[Self.normalise(path)] = file
        }
        let oldVersion = currentVersion()
        let oldNames = oldVersion.map { userVisibleNames(in: $0) } ?? []
        let newNames = Set(cleaned.keys.compactMap { $0.split(separator: "/").first.map(String.init) })
        if let oldVersion, matches(cleaned, version: oldVersion), oldNames == newNames, userVisibleLinksPresent(newNames) {
            return false
        }

        let version = try makeVersionDirectory()
        let versionPath = directory + "/" + version
        for (path, file) in cleaned.sorted(by: { $0.key < $1.key }) {
            try writeFile(file, at: path, in: versionPath)
        }
        if let group {
            try VolumeOwnership.apply(group: group, to: versionPath, readOnly: true, policy: VolumeOwnership.always)
        }
        // The switch: one rename of a symlink.
        let temporary = directory + "/" + Self.newDataDirectoryName
        _ = unlink(temporary)
        try check("symlink", temporary, symlink(version, temporary))
        try check("rename", directory + "/" + Self.dataDirectoryName, rename(temporary, directory + "/" + Self.dataDirectoryName))

        for name in newNames.sorted() {
            let link = directory + "/" + name
            var st = stat()
            if lstat(link, &st) == 0 { continue }
            try check("symlink", link, symlink(Self.dataDirectoryName + "/" + name, link))
        }
        for name in oldNames.subtracting(newNames) {
            let link = directory + "/" + name
            var st = stat()
            if lstat(link, &st) == 0, st.isSymlink { _ = unlink(link) }
        }
        if let oldVersion, oldVersion != version {
            try VolumeDirectory.remove(directory + "/" + oldVersion)
        }
        return true
    }

    /// The version directory `..data` names, if any.
    func currentVersion() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink(directory + "/" + Self.dataDirectoryName, &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Plumbing

    private static func normalise(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." }.joined(separator: "/")
    }

    private func check(_ operation: String, _ path: String, _ result: Int32) throws(VolumeError) {
        guard result == 0 else { throw VolumeError(.failed, SystemCallError(operation, path: path, errno: errno).description) }
    }

    /// The top-level names of a version's files.
    private func userVisibleNames(in version: String) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: directory + "/" + version)) ?? [])
    }

    private func userVisibleLinksPresent(_ names: Set<String>) -> Bool {
        names.allSatisfy { name in
            var st = stat()
            return lstat(directory + "/" + name, &st) == 0 && st.isSymlink
        }
    }

    /// Whether version directory `version` holds exactly `payload` (content and mode).
    private func matches(_ payload: [String: FileProjection], version: String) -> Bool {
        let base = directory + "/" + version
        var files: [String] = []
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { return false }
        while let relative = enumerator.nextObject() as? String {
            var st = stat()
            guard lstat(base + "/" + relative, &st) == 0 else { return false }
            if st.isRegularFile { files.append(relative) }
        }
        guard Set(files) == Set(payload.keys) else { return false }
        for (path, file) in payload {
            var st = stat()
            guard lstat(base + "/" + path, &st) == 0, st.st_mode & 0o777 == file.mode & 0o777,
                  let data = FileManager.default.contents(atPath: base + "/" + path), [UInt8](data) == file.data
            else { return false }
        }
        return true
    }

    /// Makes `..<UTC timestamp>.<random>`, mode 0755 so that any container user can reach
    /// the files their own modes allow.
    private func makeVersionDirectory() throws(VolumeError) -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let stamp = "\(parts.tm_year + 1900)_\(two(parts.tm_mon + 1))_\(two(parts.tm_mday))_\(two(parts.tm_hour))_\(two(parts.tm_min))_\(two(parts.tm_sec))"
        for _ in 0..<100 {
            let name = "..\(stamp).\(UInt32.random(in: 0...UInt32.max))"
            let path = directory + "/" + name
            if mkdir(path, 0o755) == 0 {
                try check("chmod", path, chmod(path, 0o755))
                return name
            }
            guard errno == EEXIST else { throw VolumeError(.failed, SystemCallError("mkdir", path: path, errno: errno).description) }
        }
        throw VolumeError(.failed, "cannot make a new version directory in \(directory)")
    }

    private func writeFile(_ file: FileProjection, at path: String, in base: String) throws(VolumeError) {
        let components = path.split(separator: "/").map(String.init)
        var current = base
        for component in components.dropLast() {
            current += "/" + component
            if mkdir(current, 0o755) == 0 {
                try check("chmod", current, chmod(current, 0o755))
            } else if errno != EEXIST {
                throw VolumeError(.failed, SystemCallError("mkdir", path: current, errno: errno).description)
            }
        }
        let full = base + "/" + path
        let fd = open(full, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw VolumeError(.failed, SystemCallError("open", path: full, errno: errno).description) }
        defer { close(fd) }
        var written = 0
        while written < file.data.count {
            let count = file.data.withUnsafeBytes { buffer -> Int in
                guard let start = buffer.baseAddress else { return 0 }
                return Glibc.write(fd, start + written, buffer.count - written)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw VolumeError(.failed, SystemCallError("write", path: full, errno: errno).description)
            }
            written += count
        }
        try check("chmod", full, fchmod(fd, file.mode & 0o7777))
    }
}
