import BallastStorage
import Testing

@Suite("LVMName: nothing reaches lvm2_run that it would split or misread")
struct LVMNameTests {
    @Test("valid logical volume names", arguments: [
        "pvc-6f1c4d0e-2b7a-4c55-9e1f-3a2b1c0d9e8f", "a", "data_1.x+y", String(repeating: "x", count: 127),
    ])
    func validLogicalVolumes(name: String) throws {
        try LVMName.validateLogicalVolume(name)
    }

    @Test("invalid logical volume names", arguments: [
        "", "has space", "tab\there", "-starts-with-dash", ".", "..", "a/b", "quote\"d", "snapshot1", "pvmove0", "x_tdata",
        "lv_rimage_0", "ünïcode", String(repeating: "x", count: 128), "new\nline",
    ])
    func invalidLogicalVolumes(name: String) {
        let error = #expect(throws: LVMError.self) { try LVMName.validateLogicalVolume(name) }
        #expect(error?.kind == .invalidArgument)
    }

    @Test("volume groups follow the common rules but may be called snapshot…", arguments: [("vg0", true), ("snapshots", true), ("v g", false), ("-vg", false)])
    func volumeGroups(name: String, valid: Bool) {
        #expect(((try? LVMName.validateVolumeGroup(name)) != nil) == valid)
    }

    @Test("tags", arguments: [
        ("ballast.io/pvc=6f1c4d0e", true), ("owner:node-1&x#y!", true), ("", false), ("-x", false), ("a b", false), ("a,b", false),
    ])
    func tags(tag: String, valid: Bool) {
        #expect(((try? LVMName.validateTag(tag)) != nil) == valid)
    }

    @Test("devices", arguments: [
        ("/dev/loop3", true), ("/dev/disk/by-id/nvme-Samsung_SSD_970-part1", true), ("/dev/mapper/x:y", true),
        ("loop3", false), ("/tmp/x", false), ("/dev/../etc/passwd", false), ("/dev/a b", false), ("/dev/a|b", false),
    ])
    func devices(path: String, valid: Bool) {
        #expect(((try? LVMName.validateDevice(path)) != nil) == valid)
    }
}
