import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("LoopVolumeGroup: the fixture cleans up exactly what it made", LVMTestSupport.enabled())
struct LoopVolumeGroupTests {
    struct Failure: Error {}

    let loops = LinuxLoopDeviceManager()
    let mounter = LinuxMounter()

    /// The loop devices over `file`, read without stat-ing it (it may be gone).
    func attachments(over file: String) throws -> [LoopDevice] {
        try loops.attachments().filter { $0.backingFile == file || $0.backingFile == file + " (deleted)" }
    }

    @Test("a failing test still leaves no volume group, mapped volume, mount, loop device or file")
    func teardownAfterFailure() async throws {
        try LoopVolumeGroup.Prerequisites.require(tools: LVMTestSupport.tools)
        var made: (file: String, device: String, mapped: String, target: String)?
        await #expect(throws: Failure.self) {
            try await LVMTestSupport.withVolumeGroup(size: 128 * .mebibyte) { group, backend in
                try await backend.createLogicalVolume(LogicalVolumeRequest(name: "data", volumeGroup: group.name, size: 32 << 20))
                let mapped = try LinearLVDevice().attach("data", in: group.name, report: try await backend.report())
                try await Subprocess("mkfs.ext4", ["-q", mapped]).check()
                let target = try LoopVolumeGroup.makeScratchDirectory(tag: "left-mounted")
                try mounter.mount(mapped, at: target, type: "ext4")
                made = (group.backingFile, group.device, mapped, target)
                throw Failure()
            }
        }
        let (file, device, mapped, target) = try #require(made)
        defer { LoopVolumeGroup.removeScratchDirectory(target) }
        #expect(!FileManager.default.fileExists(atPath: file))
        // The kernel drops a loop device's backing file once the last opener (a blkid
        // probe of a parallel test, say) closes it: give it a moment.
        var attached = try attachments(over: file)
        for _ in 0..<50 where !attached.isEmpty {
            try await Task.sleep(nanoseconds: 100_000_000)
            attached = try attachments(over: file)
        }
        #expect(attached.isEmpty)
        #expect(try loops.attachments().allSatisfy { $0.backingFile != device })
        #expect(try mounter.mounts().allSatisfy { $0.source != mapped })
    }

    @Test("a volume group left by a dead test process is torn down from its state file")
    func crashCleanup() async throws {
        try LoopVolumeGroup.Prerequisites.require(tools: LVMTestSupport.tools)
        let group = try LoopVolumeGroup.make(size: 64 * .mebibyte)
        defer { group.tearDown() }
        // Pretend the fixture belonged to a process that is gone: one that has exited.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        let orphan = "\(LoopVolumeGroup.directory)/\(process.processIdentifier)-1-vg-\(group.name).json"
        try FileManager.default.moveItem(atPath: group.stateFile, toPath: orphan)

        let removed = LoopVolumeGroup.cleanUpAbandoned()
        #expect(removed.contains("volume group \(group.name)"))
        #expect(!FileManager.default.fileExists(atPath: orphan))
        #expect(!FileManager.default.fileExists(atPath: group.backingFile))
        #expect(try attachments(over: group.backingFile).isEmpty)
        // The running process's own fixtures are left alone.
        let alive = try LoopVolumeGroup.makeSparseFile(size: .mebibyte, tag: "alive")
        defer { LoopVolumeGroup.removeScratchFile(alive) }
        LoopVolumeGroup.cleanUpAbandoned()
        #expect(FileManager.default.fileExists(atPath: alive))
    }
}
