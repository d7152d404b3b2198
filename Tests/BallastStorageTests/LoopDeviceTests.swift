import BallastStorage
import BallastTesting
import Foundation
import Testing

@Suite("Loop devices on the real kernel", LoopTestSupport.enabled(tools: ["losetup", "umount"]))
struct LoopDeviceTests {
    let loops = LinuxLoopDeviceManager()

    @Test("a whole file attaches, shows its size and backing file, and detaches")
    func attachWholeFile() async throws {
        try await LoopTestSupport.withLoopFile(size: 64 * .mebibyte) { loop, file in
            #expect(FileManager.default.fileExists(atPath: loop.path))
            #expect(try loops.size(of: loop) == 64 * .mebibyte)
            #expect(loop.backingFile == file)
            #expect(loop.offset == 0 && loop.sizeLimit == 0 && !loop.readOnly)
            #expect(try loops.attachments(of: file) == [loop])
            try loops.detach(loop)
            #expect(try loops.attachments(of: file).isEmpty)
        }
    }

    @Test("a byte range maps exactly those bytes of the file")
    func attachRange() async throws {
        try LoopVolumeGroup.Prerequisites.require()
        let file = try LoopVolumeGroup.makeSparseFile(size: 16 * .mebibyte, tag: "range")
        defer { LoopVolumeGroup.removeScratchFile(file) }
        let marker: [UInt8] = Array("ballast-range-marker".utf8)
        try LoopTestSupport.write(marker, to: file, at: 4 * .mebibyte + 512)
        try LoopTestSupport.write([0xAA], to: file, at: 6 * .mebibyte)

        let range = try loops.attach(file, offset: 4 * .mebibyte, sizeLimit: 2 * .mebibyte, readOnly: true)
        #expect(range.offset == 4 * .mebibyte)
        #expect(range.sizeLimit == 2 * .mebibyte)
        #expect(range.readOnly)
        #expect(try loops.size(of: range) == 2 * .mebibyte)
        #expect(try LoopTestSupport.read(range.path, at: 512, count: marker.count) == marker)
        // The byte just past the range is not visible through the device.
        #expect(try LoopTestSupport.read(range.path, at: 2 * .mebibyte - 1, count: 4).count == 1)
        try loops.detach(range)
    }

    @Test("attaching the same file and range again returns the device attached before")
    func reattachIsIdempotent() async throws {
        try await LoopTestSupport.withLoopFile(size: 32 * .mebibyte) { whole, file in
            #expect(try loops.attach(file) == whole)
            let range = try loops.attach(file, offset: .mebibyte, sizeLimit: 8 * .mebibyte, readOnly: false)
            #expect(range.number != whole.number)
            #expect(try loops.attach(file, offset: .mebibyte, sizeLimit: 8 * .mebibyte, readOnly: false) == range)
            // Found by identity, not by path: a second name for the same file finds it too.
            let link = file + ".link"
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: file)
            defer { try? FileManager.default.removeItem(atPath: link) }
            #expect(try loops.attach(link) == whole)
            #expect(try loops.attachments(of: file).count == 2)
        }
    }

    @Test("a larger size limit grows the existing device; a smaller one is refused")
    func growRange() async throws {
        try await LoopTestSupport.withLoopFile(size: 32 * .mebibyte) { _, file in
            let small = try loops.attach(file, offset: 2 * .mebibyte, sizeLimit: 4 * .mebibyte, readOnly: false)
            let grown = try loops.attach(file, offset: 2 * .mebibyte, sizeLimit: 12 * .mebibyte, readOnly: false)
            #expect(grown.number == small.number)
            #expect(grown.sizeLimit == 12 * .mebibyte)
            #expect(try loops.size(of: grown) == 12 * .mebibyte)
            #expect(throws: SystemCallError.self) {
                try loops.attach(file, offset: 2 * .mebibyte, sizeLimit: 4 * .mebibyte, readOnly: false)
            }
            #expect(try loops.size(of: grown) == 12 * .mebibyte)
        }
    }

    @Test("after the backing file grows, refreshing the capacity shows the new size")
    func refreshCapacity() async throws {
        try await LoopTestSupport.withLoopFile(size: 32 * .mebibyte) { loop, file in
            try LoopTestSupport.grow(file, to: 48 * .mebibyte)
            #expect(try loops.size(of: loop) == 32 * .mebibyte)
            #expect(try loops.refreshCapacity(loop) == 48 * .mebibyte)
            #expect(try loops.size(of: loop) == 48 * .mebibyte)
        }
    }

    @Test("detach is idempotent and never touches a device now bound to another file")
    func detachOnlyWhatWasAttached() async throws {
        try await LoopTestSupport.withLoopFile(size: 8 * .mebibyte) { loop, file in
            var impostor = loop
            impostor.backingInode &+= 1
            try loops.detach(impostor)
            #expect(try loops.attachments(of: file) == [loop])
            try loops.detach(loop)
            try loops.detach(loop)
            #expect(try loops.attachments(of: file).isEmpty)
        }
    }

    @Test("devices beyond the nodes made at boot get their node made (no udev here)")
    func attachBeyondBootNodes() async throws {
        try LoopVolumeGroup.Prerequisites.require()
        var files: [String] = []
        defer { files.forEach(LoopVolumeGroup.removeScratchFile) }
        var attached: [LoopDevice] = []
        // Up to 12 devices: enough to pass loop7 even on a host where none is in use.
        while attached.allSatisfy({ $0.number < 8 }) && attached.count < 12 {
            let file = try LoopVolumeGroup.makeSparseFile(size: .mebibyte, tag: "many")
            files.append(file)
            attached.append(try loops.attach(file))
        }
        let high = try #require(attached.first { $0.number >= 8 })
        #expect(FileManager.default.fileExists(atPath: high.path))
        #expect(try loops.size(of: high) == .mebibyte)
        for loop in attached { try loops.detach(loop) }
    }
}
