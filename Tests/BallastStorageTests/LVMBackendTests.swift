import BallastStorage
import BallastTesting
import Foundation
import Glibc
import Testing

@Suite("LVM through liblvm2cmd on a loop-device volume group", LVMTestSupport.enabled())
struct LVMBackendTests {
    let mounter = LinuxMounter()
    let filesystems = LinuxFilesystemManager()
    let linear = LinearLVDevice()
    let loops = LinuxLoopDeviceManager()

    @Test("a volume's whole life: create with tags, map, format, mount, write, extend, grow online, remove",
          arguments: [FilesystemType.xfs, .ext4])
    func lifecycle(type: FilesystemType) async throws {
        try await LVMTestSupport.withVolumeGroup { group, backend in
            let name = LVMTestSupport.volumeName()
            let tags = ["ballast.io/claim=\(name.dropFirst(4))", "ballast.io/node=test"]
            let before = try #require(try await backend.report().volumeGroup(named: group.name))

            try await backend.createLogicalVolume(LogicalVolumeRequest(name: name, volumeGroup: group.name, size: Int64(UInt64.gibibyte), tags: tags))
            var report = try await backend.report()
            let volume = try #require(report.logicalVolume(name, in: group.name))
            #expect(volume.size == Int64(UInt64.gibibyte))
            #expect(Set(volume.tags) == Set(tags))
            #expect(volume.segments.count == 1)
            #expect(report.volumeGroup(named: group.name)?.free == before.free - Int64(UInt64.gibibyte))
            #expect(try await backend.logicalVolumes(in: group.name, taggedWith: "ballast.io/node=test").map(\.name) == [name])
            // lvm's own command line agrees (an independent reading of the same metadata).
            let listed = try group.lvm(["lvs", "--noheadings", "--units", "b", "--nosuffix", "-o", "lv_size,lv_tags", "\(group.name)/\(name)"])
            #expect(listed.stdout.contains("1073741824") && listed.stdout.contains("ballast.io/node=test"))

            let device = try linear.attach(name, in: group.name, report: report)
            #expect(try linear.attach(name, in: group.name, report: report) == device)
            #expect(try LinuxLoopDeviceManager.blockDeviceSize(device) == UInt64.gibibyte)
            try linear.clearStaleSignatures(on: device)
            let uuid = UUID().uuidString.lowercased()
            #expect(try await filesystems.formatIfBlank(device, as: type, label: nil, uuid: uuid).signature.uuid == uuid)

            try await LoopTestSupport.withDirectory { target in
                try mounter.mount(device, at: target, type: type.rawValue)
                defer { try? mounter.unmount(target) }
                try "on lvm".write(toFile: target + "/data.txt", atomically: false, encoding: .utf8)

                try await backend.extendLogicalVolume(name, in: group.name, to: 2 * Int64(UInt64.gibibyte), contiguous: true)
                report = try await backend.report()
                #expect(report.logicalVolume(name, in: group.name)?.size == 2 * Int64(UInt64.gibibyte))
                // The same loop device, grown over the volume's new extents while mounted.
                #expect(try linear.attach(name, in: group.name, report: report) == device)
                #expect(try LinuxLoopDeviceManager.blockDeviceSize(device) == 2 * UInt64.gibibyte)

                if type == .ext4 && !LinuxFilesystemManager.canGrowMountedExt4 {
                    // No CAP_SYS_RESOURCE here: grow it unmounted, as staging would.
                    try mounter.unmount(target)
                    try await filesystems.grow(device, mountedAt: nil, type: type)
                    try mounter.mount(device, at: target, type: type.rawValue)
                } else {
                    try await filesystems.grow(device, mountedAt: target, type: type)
                }
                #expect(try filesystems.usage(at: target).totalBytes > 1_900 * .mebibyte)
                #expect(try String(contentsOfFile: target + "/data.txt", encoding: .utf8) == "on lvm")
                try mounter.unmount(target)
            }

            try linear.detach(name, in: group.name, report: report)
            #expect(try linear.attachment(of: name, in: group.name, report: report) == nil)
            try await backend.removeLogicalVolume(name, in: group.name)
            #expect(try await backend.report().logicalVolume(name, in: group.name) == nil)
            let again = await #expect(throws: LVMError.self) { try await backend.removeLogicalVolume(name, in: group.name) }
            #expect(again?.isNotFound == true)
        }
    }

    @Test("creating a volume of a name that exists gives .alreadyExists and changes nothing")
    func alreadyExists() async throws {
        try await LVMTestSupport.withVolumeGroup(size: 256 * .mebibyte) { group, backend in
            let request = LogicalVolumeRequest(name: LVMTestSupport.volumeName(), volumeGroup: group.name, size: 64 << 20)
            try await backend.createLogicalVolume(request)
            var bigger = request
            bigger.size = 128 << 20
            let error = await #expect(throws: LVMError.self) { try await backend.createLogicalVolume(bigger) }
            #expect(error?.isAlreadyExists == true)
            #expect(try await backend.report().logicalVolume(request.name, in: group.name)?.size == 64 << 20)
        }
    }

    @Test("a volume larger than the group's free space gives .insufficientSpace")
    func insufficientSpace() async throws {
        try await LVMTestSupport.withVolumeGroup(size: 256 * .mebibyte) { group, backend in
            let free = try #require(try await backend.report().volumeGroup(named: group.name)).free
            let request = LogicalVolumeRequest(name: LVMTestSupport.volumeName(), volumeGroup: group.name, size: free + (4 << 20))
            let error = await #expect(throws: LVMError.self) { try await backend.createLogicalVolume(request) }
            #expect(error?.isInsufficientSpace == true)
            #expect(error?.messages.contains { $0.contains("insufficient free space") } == true)
            // Exactly the free space fits.
            try await backend.createLogicalVolume(LogicalVolumeRequest(name: request.name, volumeGroup: group.name, size: free))
        }
    }

    @Test("extending to the size a volume has, or less, succeeds without change; past the free space it fails")
    func extendIdempotent() async throws {
        try await LVMTestSupport.withVolumeGroup(size: 256 * .mebibyte) { group, backend in
            let name = LVMTestSupport.volumeName()
            try await backend.createLogicalVolume(LogicalVolumeRequest(name: name, volumeGroup: group.name, size: 64 << 20))
            try await backend.extendLogicalVolume(name, in: group.name, to: 64 << 20, contiguous: true)
            try await backend.extendLogicalVolume(name, in: group.name, to: 32 << 20, contiguous: true)
            #expect(try await backend.report().logicalVolume(name, in: group.name)?.size == 64 << 20)
            let error = await #expect(throws: LVMError.self) {
                try await backend.extendLogicalVolume(name, in: group.name, to: 1 << 30, contiguous: true)
            }
            #expect(error?.isInsufficientSpace == true)
        }
    }

    @Test("what is missing is .notFound")
    func notFound() async throws {
        try await LVMTestSupport.withVolumeGroup(size: 128 * .mebibyte) { group, backend in
            let inMissingGroup = await #expect(throws: LVMError.self) {
                try await backend.createLogicalVolume(LogicalVolumeRequest(name: "x", volumeGroup: "ballast-no-such-vg", size: 4 << 20))
            }
            #expect(inMissingGroup?.isNotFound == true)
            let missingVolume = await #expect(throws: LVMError.self) { try await backend.removeLogicalVolume("nope", in: group.name) }
            #expect(missingVolume?.isNotFound == true)
            let missingGroup = await #expect(throws: LVMError.self) { try await backend.removeVolumeGroup("ballast-no-such-vg") }
            #expect(missingGroup?.isNotFound == true)
        }
    }

    @Test("a volume on two runs of extents cannot be mapped by a loop device, and says so")
    func fragmentedVolume() async throws {
        try await LVMTestSupport.withVolumeGroup(size: 256 * .mebibyte) { group, backend in
            let first = LVMTestSupport.volumeName()
            let second = LVMTestSupport.volumeName()
            try await backend.createLogicalVolume(LogicalVolumeRequest(name: first, volumeGroup: group.name, size: 16 << 20))
            try await backend.createLogicalVolume(LogicalVolumeRequest(name: second, volumeGroup: group.name, size: 16 << 20))
            // Contiguous growth is impossible with the second volume in the way...
            let blocked = await #expect(throws: LVMError.self) {
                try await backend.extendLogicalVolume(first, in: group.name, to: 32 << 20, contiguous: true)
            }
            #expect(blocked?.isInsufficientSpace == true)
            // ...and growth anywhere splits the volume in two.
            try await backend.extendLogicalVolume(first, in: group.name, to: 32 << 20, contiguous: false)
            let report = try await backend.report()
            #expect(report.logicalVolume(first, in: group.name)?.segments.count == 2)
            if !linear.deviceMapper {
                let error = #expect(throws: LVMError.self) { try linear.attach(first, in: group.name, report: report) }
                #expect(error?.kind == .unsupported)
            }
        }
    }

    @Test("pvcreate never wipes a filesystem, and devices outside the filter are rejected")
    func physicalVolumeSafety() async throws {
        try LoopVolumeGroup.Prerequisites.require(tools: LVMTestSupport.tools)
        let backend = try LVMTestSupport.backend.get()
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, _ in
            _ = try await filesystems.format(loop.path, as: .ext4, label: "keep", uuid: nil)
            let rejected = await #expect(throws: LVMError.self) { try await backend.createPhysicalVolume(on: loop.path) }
            #expect(rejected?.kind == .deviceRejected)

            try await LVMTestSupport.withAllowedDevice(loop.path, backend) { () async throws in
                let refused = await #expect(throws: LVMError.self) { try await backend.createPhysicalVolume(on: loop.path) }
                #expect(refused?.kind == .signatureFound)
                #expect(try BlkidProbe().signature(of: loop.path)?.label == "keep")

                let name = "has space"
                let invalid = await #expect(throws: LVMError.self) {
                    try await backend.createLogicalVolume(LogicalVolumeRequest(name: name, volumeGroup: "vg", size: 1 << 20))
                }
                #expect(invalid?.kind == .invalidArgument)
            }
        }
    }

    @Test("the backend makes and removes its own physical volume and volume group")
    func volumeGroupLifecycle() async throws {
        try LoopVolumeGroup.Prerequisites.require(tools: LVMTestSupport.tools)
        let backend = try LVMTestSupport.backend.get()
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, _ in
            try await LVMTestSupport.withAllowedDevice(loop.path, backend) { () async throws in
                let name = "ballastvg-\(UUID().uuidString.prefix(8).lowercased())"
                try await backend.createPhysicalVolume(on: loop.path)
                let orphan = try #require(try await backend.report().physicalVolume(on: loop.path))
                #expect(orphan.volumeGroup == nil && orphan.size > 60 * Int64(UInt64.mebibyte))
                try await backend.createPhysicalVolume(on: loop.path)  // an unused PV again: fine
                try await backend.createVolumeGroup(name, on: [loop.path], tags: ["ballast.io/test"])
                var report = try await backend.report()
                #expect(report.volumeGroup(named: name)?.tags == ["ballast.io/test"])
                #expect(report.physicalVolume(on: loop.path)?.volumeGroup == name)
                let again = await #expect(throws: LVMError.self) { try await backend.createVolumeGroup(name, on: [loop.path], tags: []) }
                #expect(again?.isAlreadyExists == true)

                // A group with a volume is not removed.
                try await backend.createLogicalVolume(LogicalVolumeRequest(name: "keep", volumeGroup: name, size: 8 << 20))
                await #expect(throws: LVMError.self) { try await backend.removeVolumeGroup(name) }
                try await backend.removeLogicalVolume("keep", in: name)
                try await backend.removeVolumeGroup(name)
                try await backend.removePhysicalVolume(on: loop.path)
                report = try await backend.report()
                #expect(report.volumeGroup(named: name) == nil && report.physicalVolume(on: loop.path) == nil)
                #expect(try BlkidProbe().signature(of: loop.path) == nil)
            }
        }
    }

    @Test("lvm leaves the process umask at 022, not its default 077 (INTEROP pitfall 8)")
    func umaskAfterInit() async throws {
        try LoopVolumeGroup.Prerequisites.require(tools: LVMTestSupport.tools)
        let backend = try LVMTestSupport.backend.get()
        _ = try await backend.report()
        let current = umask(0o022)
        umask(current)
        #expect(current == 0o022)
    }
}
