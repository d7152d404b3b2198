import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("Probing signatures with libblkid", LoopTestSupport.enabled())
struct BlockProbeTests {
    let probe = BlkidProbe()

    @Test("a blank file is provably blank")
    func blank() throws {
        try LoopVolumeGroup.Prerequisites.require()
        let file = try LoopVolumeGroup.makeSparseFile(size: 32 * .mebibyte, tag: "blank")
        defer { LoopVolumeGroup.removeScratchFile(file) }
        #expect(try probe.signature(of: file) == nil)
    }

    @Test("ext4 made with a label and UUID is reported with exactly those")
    func ext4() async throws {
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, file in
            let uuid = "6f1c4d0e-2b7a-4c55-9e1f-3a2b1c0d9e8f"
            try await Subprocess("mkfs.ext4", ["-q", "-L", "pvc-data", "-U", uuid, loop.path]).check()
            let expected = BlockSignature(type: "ext4", uuid: uuid, label: "pvc-data", usage: "filesystem")
            #expect(try probe.signature(of: loop.path) == expected)
            // The same bytes seen through the file.
            #expect(try probe.signature(of: file) == expected)
        }
    }

    @Test("xfs is recognised")
    func xfs() async throws {
        try await LoopTestSupport.withLoopFile(size: 320 * .mebibyte) { loop, _ in
            try await Subprocess("mkfs.xfs", ["-q", "-L", "scratch", loop.path]).check()
            let signature = try #require(try probe.signature(of: loop.path))
            #expect(signature.type == "xfs")
            #expect(signature.label == "scratch")
            #expect(signature.uuid != nil)
        }
    }

    @Test("an LVM physical volume is not blank")
    func lvmMember() async throws {
        try await LoopVolumeGroup.with(size: 64 * .mebibyte) { group in
            let signature = try #require(try probe.signature(of: group.device))
            #expect(signature.type == "LVM2_member")
        }
    }

    @Test("a partition table is reported as one")
    func partitionTable() throws {
        try LoopVolumeGroup.Prerequisites.require()
        let file = try LoopVolumeGroup.makeSparseFile(size: 8 * .mebibyte, tag: "mbr")
        defer { LoopVolumeGroup.removeScratchFile(file) }
        // A DOS partition table: one Linux partition entry and the 0x55AA boot signature.
        var sector = [UInt8](repeating: 0, count: 512)
        sector.replaceSubrange(446..<462, with: [0x00, 0, 0, 0, 0x83, 0, 0, 0, 0x00, 0x08, 0, 0, 0x00, 0x38, 0, 0])
        sector[510] = 0x55
        sector[511] = 0xAA
        try LoopTestSupport.write(sector, to: file, at: 0)
        let signature = try #require(try probe.signature(of: file))
        #expect(signature.type == "dos")
        #expect(signature.usage == "partition table")
    }

    @Test("a missing device is an error, never blank")
    func missing() {
        #expect(throws: BlockProbeError.cannotOpen(path: "/nonexistent/ballast-device", errno: ENOENT)) {
            try probe.signature(of: "/nonexistent/ballast-device")
        }
    }
}
