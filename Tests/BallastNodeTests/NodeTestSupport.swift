import BallastTesting
import Foundation
import Testing

/// Helpers shared by the node agent's tests.
enum NodeTest {
    /// Registry tests run where root and the registry tools exist, and always in CI.
    static let registry: ConditionTrait = .enabled(if: RegistryServer.isEnabled, "needs root, docker-registry, skopeo and umoci")

    /// Runs `body` with a fresh scratch directory, removed afterwards (also on failure).
    static func withScratch<T>(_ tag: String = "node", _ body: (String) async throws -> T) async throws -> T {
        let directory = TemporaryDirectory.make(prefix: "ballast-\(tag)")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        return try await body(directory)
    }

    /// Writes `text` to `path`, making its parents.
    static func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// The text of a file, or nil.
    static func read(_ path: String) -> String? {
        try? String(contentsOfFile: path, encoding: .utf8)
    }

    /// lstat: whether something (a dangling symlink included) is at `path`.
    static func exists(_ path: String) -> Bool {
        // attributesOfItem does not follow a final symlink (lstat).
        (try? FileManager.default.attributesOfItem(atPath: path)) != nil
    }
}

/// Writes tar archives for tests, with entries a well-behaved tool would never write.
struct TarBuilder {
    private(set) var bytes: [UInt8] = []

    enum Kind: UInt8 {
        case file = 48, hardLink = 49, symlink = 50, directory = 53, fifo = 54
    }

    mutating func file(_ path: String, _ text: String = "", mode: Int = 0o644, uid: Int = 0, gid: Int = 0) {
        entry(path, kind: .file, data: Array(text.utf8), mode: mode, uid: uid, gid: gid)
    }

    mutating func directory(_ path: String, mode: Int = 0o755, uid: Int = 0, gid: Int = 0) {
        entry(path, kind: .directory, mode: mode, uid: uid, gid: gid)
    }

    mutating func symlink(_ path: String, to target: String) {
        entry(path, kind: .symlink, linkName: target, mode: 0o777)
    }

    mutating func hardLink(_ path: String, to target: String) {
        entry(path, kind: .hardLink, linkName: target)
    }

    mutating func entry(_ path: String, kind: Kind, data: [UInt8] = [], linkName: String = "", mode: Int = 0o644, uid: Int = 0, gid: Int = 0) {
        if path.utf8.count > 99 {
            let record = Self.paxRecord("path", path)
            header(name: "././@PaxHeader", type: UInt8(ascii: "x"), size: record.count, linkName: "", mode: 0o644, uid: 0, gid: 0)
            append(record)
        }
        header(name: String(path.prefix(99)), type: kind.rawValue, size: data.count, linkName: linkName, mode: mode, uid: uid, gid: gid)
        append(data)
    }

    /// The archive with its two closing zero blocks.
    var archive: [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

    private mutating func append(_ data: [UInt8]) {
        bytes += data
        let rest = data.count % 512
        if rest != 0 { bytes += [UInt8](repeating: 0, count: 512 - rest) }
    }

    private mutating func header(name: String, type: UInt8, size: Int, linkName: String, mode: Int, uid: Int, gid: Int) {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, _ offset: Int, _ length: Int) {
            for (index, byte) in text.utf8.prefix(length).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, _ offset: Int, _ length: Int) {
            let text = String(value, radix: 8)
            put(String(repeating: "0", count: max(0, length - 1 - text.count)) + text, offset, length - 1)
        }
        put(name, 0, 100)
        octal(mode, 100, 8)
        octal(uid, 108, 8)
        octal(gid, 116, 8)
        octal(size, 124, 12)
        octal(1_700_000_000, 136, 12)
        block[156] = type
        put(linkName, 157, 100)
        put("ustar\0", 257, 6)
        put("00", 263, 2)
        for index in 148..<156 { block[index] = UInt8(ascii: " ") }
        let sum = block.reduce(0) { $0 + Int($1) }
        let text = String(sum, radix: 8)
        put(String(repeating: "0", count: 6 - text.count) + text, 148, 6)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        bytes += block
    }

    private static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).utf8.count + body.utf8.count != length { length += 1 }
        return Array("\(length)\(body)".utf8)
    }
}
