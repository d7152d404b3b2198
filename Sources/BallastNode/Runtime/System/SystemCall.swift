import BallastStorage
import Foundation
import Glibc

/// Runs a call that returns -1 and sets errno on failure, retrying on EINTR, and turns the
/// errno into BallastStorage's `SystemCallError` naming `operation` and `path` (STYLE rule 2:
/// every syscall of the node agent passes through here).
///
/// EFAULT and EBADF mean the agent passed a bad pointer or a closed descriptor: a bug, not a
/// condition of the system, so they stop the process.
@discardableResult
func posixCall<Result: FixedWidthInteger>(
    _ operation: String, path: String? = nil, _ body: () -> Result
) throws(SystemCallError) -> Result {
    while true {
        let result = body()
        if result != -1 { return result }
        let code = Glibc.errno
        if code == EINTR { continue }
        precondition(code != EFAULT && code != EBADF, "\(operation) \(path ?? ""): errno \(code) is a bug")
        throw SystemCallError(operation, path: path, errno: code)
    }
}

/// Small file helpers over raw descriptors, for state files the agent must not lose.
enum FileIO {
    /// Opens `path` with `flags` (O_CLOEXEC added).
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(SystemCallError) -> Int32 {
        try posixCall("open", path: path) { Glibc.open(path, flags | O_CLOEXEC, mode) }
    }

    /// The whole content of `path`, read until EOF (works for /proc files, which report size 0).
    static func read(_ path: String, limit: Int = 64 << 20) throws(SystemCallError) -> [UInt8] {
        let fd = try open(path, O_RDONLY)
        defer { close(fd) }
        return try readAll(fd, path: path, limit: limit)
    }

    /// Reads `fd` until EOF or `limit` bytes.
    static func readAll(_ fd: Int32, path: String?, limit: Int = 64 << 20) throws(SystemCallError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < limit {
            let count = try posixCall("read", path: path) { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        return bytes
    }

    /// The content of `path` as UTF-8 text, or nil if the file does not exist.
    static func readText(_ path: String) throws(SystemCallError) -> String? {
        do {
            return String(decoding: try read(path), as: UTF8.self)
        } catch where error.errno == ENOENT {
            return nil
        }
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String?) throws(SystemCallError) {
        try writeAll(fd, bytes[...], path: path)
    }

    /// Writes all of `bytes` to `fd`.
    static func writeAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>, path: String?) throws(SystemCallError) {
        var offset = 0
        while offset < bytes.count {
            let written = try posixCall("write", path: path) {
                bytes.withUnsafeBytes { raw in Glibc.write(fd, raw.baseAddress.map { $0 + offset }, raw.count - offset) }
            }
            offset += written
        }
    }

    /// Replaces `path` with `bytes` atomically: a temporary file beside it is written,
    /// fsync'd and renamed over it, so a crash leaves either the old or the new content.
    static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o644) throws(SystemCallError) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        do throws(SystemCallError) {
            try writeAll(fd, bytes, path: temporary)
            try posixCall("fsync", path: temporary) { fsync(fd) }
            close(fd)
            try posixCall("rename", path: path) { rename(temporary, path) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// Writes `text` to `path` (created or truncated), without the atomic dance: for
    /// kernel files such as cgroup limits.
    static func writeText(_ path: String, _ text: String, flags: Int32 = O_WRONLY | O_CREAT | O_TRUNC) throws(SystemCallError) {
        let fd = try open(path, flags)
        defer { close(fd) }
        try writeAll(fd, Array(text.utf8), path: path)
    }

    /// mkdir -p with `mode` for the directories it makes.
    static func makeDirectories(_ path: String, mode: mode_t = 0o755) throws(SystemCallError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, mode) != 0 {
                let code = errno
                guard code == EEXIST else { throw SystemCallError("mkdir", path: current, errno: code) }
            }
        }
    }

    /// Whether anything (a dangling symlink included) exists at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// The entries of a directory (no "." or ".."), or [] if it does not exist.
    static func entries(_ path: String) throws(SystemCallError) -> [String] {
        guard let directory = opendir(path) else {
            let code = errno
            if code == ENOENT { return [] }
            throw SystemCallError("opendir", path: path, errno: code)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
