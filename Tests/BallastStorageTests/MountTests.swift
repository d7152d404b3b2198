import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("Mounting with mount(2)", LoopTestSupport.enabled())
struct MountTests {
    let mounter = LinuxMounter()
    let filesystems = LinuxFilesystemManager()

    @Test("a filesystem mounts, shows in mountinfo, mounts again as a no-op, and unmounts idempotently")
    func mountAndUnmount() async throws {
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, _ in
            _ = try await filesystems.format(loop.path, as: .ext4, label: nil, uuid: nil)
            try await LoopTestSupport.withDirectory { target in
                #expect(try !mounter.isMountPoint(target))
                try mounter.mount(loop.path, at: target, type: "ext4", flags: [.noSetUID, .noDevices], options: "")
                #expect(try mounter.isMountPoint(target))
                let entry = try #require(try mounter.mounts().last { $0.mountPoint == target })
                #expect(entry.source == loop.path)
                #expect(entry.fileSystemType == "ext4")
                #expect(entry.options.contains("nosuid") && entry.options.contains("nodev"))

                // Same device again: nothing happens, nothing stacks.
                try mounter.mount(loop.path, at: target, type: "ext4", flags: [.noSetUID, .noDevices], options: "")
                #expect(try mounter.mounts().filter { $0.mountPoint == target }.count == 1)

                try mounter.unmount(target)
                #expect(try !mounter.isMountPoint(target))
                try mounter.unmount(target)
                try mounter.unmount(target + "/does-not-exist")
            }
        }
    }

    @Test("tmpfs, which has no device, mounts idempotently too")
    func tmpfs() async throws {
        try LoopVolumeGroup.Prerequisites.require()
        try await LoopTestSupport.withDirectory(tag: "tmpfs") { target in
            try mounter.mount("tmpfs", at: target, type: "tmpfs", flags: [.noSetUID, .noDevices], options: "size=1m,mode=0755")
            try mounter.mount("tmpfs", at: target, type: "tmpfs", flags: [.noSetUID, .noDevices], options: "size=1m,mode=0755")
            #expect(try mounter.mounts().filter { $0.mountPoint == target }.map(\.fileSystemType) == ["tmpfs"])
            #expect(throws: SystemCallError.self) { try mounter.mount("other", at: target, type: "tmpfs") }
            try mounter.unmount(target, lazy: true)
            #expect(try !mounter.isMountPoint(target))
        }
    }

    @Test("a different device on a busy mount point is refused with EBUSY")
    func refusesAnotherDevice() async throws {
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte, tag: "first") { first, _ in
            try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte, tag: "second") { second, _ in
                _ = try await filesystems.format(first.path, as: .ext4, label: nil, uuid: nil)
                _ = try await filesystems.format(second.path, as: .ext4, label: nil, uuid: nil)
                try await LoopTestSupport.withDirectory { target in
                    try mounter.mount(first.path, at: target, type: "ext4")
                    let error = #expect(throws: SystemCallError.self) { try mounter.mount(second.path, at: target, type: "ext4") }
                    #expect(error?.errno == EBUSY)
                    // Nor may the same device be mounted read-only where it is mounted read-write.
                    #expect(throws: SystemCallError.self) { try mounter.mount(first.path, at: target, type: "ext4", flags: .readOnly, options: "") }
                    try mounter.unmount(target)
                }
            }
        }
    }

    @Test("a read-only bind mount shows the source's files and refuses writes; binding again is a no-op")
    func readOnlyBind() async throws {
        try LoopVolumeGroup.Prerequisites.require()
        try await LoopTestSupport.withDirectory(tag: "source") { source in
            try await LoopTestSupport.withDirectory(tag: "target with space") { target in
                try "hello".write(toFile: source + "/file", atomically: false, encoding: .utf8)
                try mounter.bind(source, at: target, recursive: false, flags: .readOnly)
                #expect(try String(contentsOfFile: target + "/file", encoding: .utf8) == "hello")
                #expect(!FileManager.default.createFile(atPath: target + "/new", contents: Data("x".utf8)))
                let entry = try #require(try mounter.mounts().last { $0.mountPoint == target })
                #expect(entry.isReadOnly)

                try mounter.bind(source, at: target, recursive: false, flags: .readOnly)
                #expect(try mounter.mounts().filter { $0.mountPoint == target }.count == 1)

                // Writable again by a remount of the bind mount alone.
                try mounter.remount(target, flags: [], bindMount: true)
                #expect(FileManager.default.createFile(atPath: target + "/new", contents: Data("x".utf8)))
                #expect(FileManager.default.fileExists(atPath: source + "/new"))
                try mounter.unmount(target)
                #expect(try !mounter.isMountPoint(target))
            }
        }
    }

    @Test("propagation can be set and is read back from mountinfo")
    func propagation() async throws {
        try LoopVolumeGroup.Prerequisites.require()
        try await LoopTestSupport.withDirectory(tag: "prop") { directory in
            // A directory bound onto itself becomes a mount whose propagation is its own.
            try mounter.bind(directory, at: directory, recursive: false, flags: [])
            defer { try? mounter.unmount(directory) }
            for propagation in [MountPropagation.private, .shared, .slave, .unbindable, .private] {
                try mounter.setPropagation(directory, propagation, recursive: true)
                let entry = try #require(try mounter.mounts().last { $0.mountPoint == directory })
                // A slave of nothing (its peer group was private) is reported as private.
                if propagation != .slave { #expect(entry.propagation == propagation) }
            }
        }
    }
}
