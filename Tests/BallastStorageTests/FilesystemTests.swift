import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("Making and growing filesystems", LoopTestSupport.enabled())
struct FilesystemTests {
    let filesystems = LinuxFilesystemManager()
    let mounter = LinuxMounter()
    let loops = LinuxLoopDeviceManager()

    /// xfsprogs 6 refuses filesystems under 300 MB.
    static func size(for type: FilesystemType) -> UInt64 { type == .xfs ? 320 * .mebibyte : 64 * .mebibyte }

    @Test("format, mount, write, unmount, mount again: the data is there", arguments: FilesystemType.allCases)
    func formatMountRemount(type: FilesystemType) async throws {
        try await LoopTestSupport.withLoopFile(size: Self.size(for: type)) { loop, _ in
            let uuid = UUID().uuidString.lowercased()
            let signature = try await filesystems.format(loop.path, as: type, label: "pvc-test", uuid: uuid)
            #expect(signature == BlockSignature(type: type.rawValue, uuid: uuid, label: "pvc-test", usage: "filesystem"))
            try await LoopTestSupport.withDirectory { target in
                try mounter.mount(loop.path, at: target, type: type.rawValue)
                try "persisted".write(toFile: target + "/data.txt", atomically: false, encoding: .utf8)
                try mounter.unmount(target)
                #expect(!FileManager.default.fileExists(atPath: target + "/data.txt"))
                try mounter.mount(loop.path, at: target, type: type.rawValue)
                #expect(try String(contentsOfFile: target + "/data.txt", encoding: .utf8) == "persisted")
                try mounter.unmount(target)
            }
        }
    }

    @Test("a device that holds a filesystem is never formatted, and its data survives", arguments: FilesystemType.allCases)
    func refusesToOverwrite(type: FilesystemType) async throws {
        try await LoopTestSupport.withLoopFile(size: 320 * .mebibyte) { loop, _ in
            let original = try await filesystems.format(loop.path, as: type, label: "keep-me", uuid: nil)
            try await LoopTestSupport.withDirectory { target in
                try mounter.mount(loop.path, at: target, type: type.rawValue)
                try "precious".write(toFile: target + "/precious.txt", atomically: false, encoding: .utf8)
                try mounter.unmount(target)

                for attempt in FilesystemType.allCases {
                    let error = await #expect(throws: VolumeError.self) {
                        try await filesystems.format(loop.path, as: attempt, label: nil, uuid: nil)
                    }
                    #expect(error?.kind == .unsafe)
                    #expect(error?.message.contains("already carries \(type.rawValue)") == true)
                }
                // Publishing again finds the filesystem it made before; another type is refused.
                #expect(try await filesystems.formatIfBlank(loop.path, as: type, label: nil, uuid: nil) == .alreadyFormatted(original))
                let other: FilesystemType = type == .ext4 ? .xfs : .ext4
                let refused = await #expect(throws: VolumeError.self) {
                    try await filesystems.formatIfBlank(loop.path, as: other, label: nil, uuid: nil)
                }
                #expect(refused?.kind == .unsafe)

                #expect(try BlkidProbe().signature(of: loop.path) == original)
                try mounter.mount(loop.path, at: target, type: type.rawValue)
                #expect(try String(contentsOfFile: target + "/precious.txt", encoding: .utf8) == "precious")
                try mounter.unmount(target)
            }
        }
    }

    @Test("a blank device is formatted by formatIfBlank")
    func formatIfBlankFormats() async throws {
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, _ in
            let outcome = try await filesystems.formatIfBlank(loop.path, as: .ext4, label: nil, uuid: nil)
            guard case .formatted(let signature) = outcome else {
                Issue.record("expected .formatted, got \(outcome)")
                return
            }
            #expect(signature.type == "ext4")
        }
    }

    @Test("a mounted filesystem grows online after its backing file grows", arguments: FilesystemType.allCases)
    func growOnline(type: FilesystemType) async throws {
        try await LoopTestSupport.withLoopFile(size: 320 * .mebibyte) { loop, file in
            _ = try await filesystems.format(loop.path, as: type, label: nil, uuid: nil)
            try await LoopTestSupport.withDirectory { target in
                try mounter.mount(loop.path, at: target, type: type.rawValue)
                defer { try? mounter.unmount(target) }
                try "before".write(toFile: target + "/before.txt", atomically: false, encoding: .utf8)
                let before = try filesystems.usage(at: target)

                try LoopTestSupport.grow(file, to: 640 * .mebibyte)
                #expect(try loops.refreshCapacity(loop) == 640 * .mebibyte)
                if type == .ext4 && !LinuxFilesystemManager.canGrowMountedExt4 {
                    // The kernel wants CAP_SYS_RESOURCE for EXT4_IOC_RESIZE_FS (this sandbox
                    // drops it): the refusal must say so, and the offline test covers growth.
                    let error = await #expect(throws: VolumeError.self) {
                        try await filesystems.grow(loop.path, mountedAt: target, type: type)
                    }
                    #expect(error?.message.contains("CAP_SYS_RESOURCE") == true)
                    return
                }
                try await filesystems.grow(loop.path, mountedAt: target, type: type)
                let after = try filesystems.usage(at: target)

                #expect(after.totalBytes > before.totalBytes + 250 * .mebibyte)
                #expect(after.totalBytes <= 640 * .mebibyte)
                #expect(try String(contentsOfFile: target + "/before.txt", encoding: .utf8) == "before")
                // Growing to the size it has is not an error.
                try await filesystems.grow(loop.path, mountedAt: target, type: type)
                #expect(try filesystems.usage(at: target).totalBytes == after.totalBytes)
            }
        }
    }

    @Test("an unmounted ext4 grows offline; xfs refuses to")
    func growOffline() async throws {
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, file in
            _ = try await filesystems.format(loop.path, as: .ext4, label: nil, uuid: nil)
            try await LoopTestSupport.withDirectory { target in
                try mounter.mount(loop.path, at: target, type: "ext4")
                try "before".write(toFile: target + "/before.txt", atomically: false, encoding: .utf8)
                let before = try filesystems.usage(at: target)
                try mounter.unmount(target)

                try LoopTestSupport.grow(file, to: 128 * .mebibyte)
                try loops.refreshCapacity(loop)
                try await filesystems.grow(loop.path, mountedAt: nil, type: .ext4)

                try mounter.mount(loop.path, at: target, type: "ext4")
                defer { try? mounter.unmount(target) }
                #expect(try filesystems.usage(at: target).totalBytes > before.totalBytes + 48 * .mebibyte)
                #expect(try String(contentsOfFile: target + "/before.txt", encoding: .utf8) == "before")
            }
            let error = await #expect(throws: VolumeError.self) { try await filesystems.grow(loop.path, mountedAt: nil, type: .xfs) }
            #expect(error?.kind == .invalid)
        }
    }

    @Test("usage reflects what was written")
    func usage() async throws {
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, _ in
            _ = try await filesystems.format(loop.path, as: .ext4, label: nil, uuid: nil)
            try await LoopTestSupport.withDirectory { target in
                try mounter.mount(loop.path, at: target, type: "ext4")
                defer { try? mounter.unmount(target) }
                let before = try filesystems.usage(at: target)
                #expect(before.totalBytes > 50 * .mebibyte && before.totalBytes <= 64 * .mebibyte)
                #expect(before.availableBytes <= before.totalBytes - before.usedBytes)
                try Data(repeating: 7, count: 8 << 20).write(to: URL(fileURLWithPath: target + "/blob"))
                for index in 0..<10 { try Data().write(to: URL(fileURLWithPath: target + "/empty\(index)")) }
                let after = try filesystems.usage(at: target)
                #expect(after.usedBytes >= before.usedBytes + 8 * .mebibyte)
                #expect(after.usedInodes == before.usedInodes + 11)
            }
        }
    }

    @Test("bad labels and UUIDs are refused before anything runs", arguments: [
        ("has space", nil as String?, FilesystemType.ext4),
        ("-dash", nil, .ext4),
        ("seventeen-chars-x", nil, .ext4),
        ("thirteen-char", nil, .xfs),
        ("ok", "not-a-uuid", .ext4),
    ])
    func invalidArguments(label: String, uuid: String?, type: FilesystemType) async {
        let error = await #expect(throws: VolumeError.self) {
            try await filesystems.format("/nonexistent/device", as: type, label: label, uuid: uuid)
        }
        #expect(error?.kind == .invalid)
    }

    @Test("a device that cannot be probed is unsafe to format")
    func unprobeable() async {
        let error = await #expect(throws: VolumeError.self) {
            try await filesystems.format("/nonexistent/device", as: .ext4, label: nil, uuid: nil)
        }
        #expect(error?.kind == .unsafe)
    }
}
