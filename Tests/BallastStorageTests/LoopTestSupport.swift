import BallastStorage
import BallastTesting
import Foundation
import Testing

/// Helpers for tests that need root and real loop devices.
enum LoopTestSupport {
    /// Tools the block-device suites run.
    static let filesystemTools = ["losetup", "mkfs.ext4", "mkfs.xfs", "resize2fs", "xfs_growfs", "umount"]

    /// Runs where root and loop devices exist, and always in CI, where a missing
    /// prerequisite then fails the test instead of skipping it.
    static func enabled(tools: [String] = filesystemTools) -> ConditionTrait {
        .enabled(if: LoopVolumeGroup.Prerequisites.shouldRun(tools: tools), "needs root, loop devices and \(tools.joined(separator: ", "))")
    }

    /// Attaches a fresh sparse file of `size` bytes whole, runs `body`, and afterwards
    /// unmounts and detaches everything over the file and deletes it, even if `body` throws.
    static func withLoopFile<T>(size: UInt64, tag: String = "loop", _ body: (LoopDevice, String) async throws -> T) async throws -> T {
        try LoopVolumeGroup.Prerequisites.require(tools: ["losetup", "umount"])
        let file = try LoopVolumeGroup.makeSparseFile(size: size, tag: tag)
        defer { LoopVolumeGroup.removeScratchFile(file) }
        let loop = try LinuxLoopDeviceManager().attach(file)
        return try await body(loop, file)
    }

    /// A fresh directory (a mount point) removed afterwards, after unmounting whatever is
    /// left mounted in it.
    static func withDirectory<T>(tag: String = "mnt", _ body: (String) async throws -> T) async throws -> T {
        let directory = try LoopVolumeGroup.makeScratchDirectory(tag: tag)
        defer { LoopVolumeGroup.removeScratchDirectory(directory) }
        return try await body(directory)
    }

    /// Reads `count` bytes at `offset` of a file or device.
    static func read(_ path: String, at offset: UInt64, count: Int) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        return [UInt8](try handle.read(upToCount: count) ?? Data())
    }

    /// Writes `bytes` at `offset` of a file or device and syncs them.
    static func write(_ bytes: [UInt8], to path: String, at offset: UInt64) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: Data(bytes))
        try handle.synchronize()
    }

    /// Grows a file to `size` bytes (sparse).
    static func grow(_ file: String, to size: UInt64) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: file))
        defer { try? handle.close() }
        try handle.truncate(atOffset: size)
    }
}

extension UInt64 {
    static let mebibyte: UInt64 = 1 << 20
    static let gibibyte: UInt64 = 1 << 30
}
