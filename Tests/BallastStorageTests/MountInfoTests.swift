import BallastStorage
import Testing

@Suite("Parsing /proc/self/mountinfo")
struct MountInfoTests {
    @Test("fields, optional fields and the separator are read as proc(5) documents them")
    func parsesALine() {
        let text = "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n"
        let entries = MountEntry.parse(mountinfo: text)
        #expect(entries == [
            MountEntry(id: 36, parentID: 35, major: 98, minor: 0, root: "/mnt1", mountPoint: "/mnt2",
                       options: ["rw", "noatime"], optionalFields: ["master:1", "shared:7"], fileSystemType: "ext3",
                       source: "/dev/root", superOptions: ["rw", "errors=continue"])
        ])
        #expect(entries.first?.propagation == .shared)
        #expect(entries.first?.isReadOnly == false)
    }

    @Test("octal escapes in paths decode to the bytes they stand for", arguments: [
        (#"/mnt/with\040space"#, "/mnt/with space"),
        (#"/mnt/tab\011and\012newline"#, "/mnt/tab\tand\nnewline"),
        (#"/mnt/back\134slash"#, "/mnt/back\\slash"),
        (#"/mnt/caf\303\251"#, "/mnt/café"),
        (#"/mnt/not\09escape"#, #"/mnt/not\09escape"#),
        (#"/mnt/trailing\04"#, #"/mnt/trailing\04"#),
    ])
    func unescapes(escaped: String, path: String) {
        let line = "40 27 7:9 / \(escaped) rw,relatime - ext4 \(escaped) rw"
        let entry = MountEntry.parse(mountinfo: line).first
        #expect(entry?.mountPoint == path)
        #expect(entry?.source == path)
    }

    @Test("propagation comes from the optional fields", arguments: [
        ("shared:3", MountPropagation.shared),
        ("master:2", MountPropagation.slave),
        ("unbindable", MountPropagation.unbindable),
        ("", MountPropagation.private),
    ])
    func propagation(field: String, expected: MountPropagation) {
        let line = "50 27 0:45 / /x ro \(field) - tmpfs tmpfs ro"
        let entry = MountEntry.parse(mountinfo: line).first
        #expect(entry?.propagation == expected)
        #expect(entry?.isReadOnly == true)
    }

    @Test("malformed lines are skipped, not guessed at")
    func skipsMalformed() {
        let text = """
            garbage
            1 2 3:4 / /a rw - ext4
            x 2 3:4 / /a rw - ext4 /dev/a rw
            22 27 0:21 / /proc rw,relatime - proc proc rw
            """
        #expect(MountEntry.parse(mountinfo: text).map(\.mountPoint) == ["/proc"])
    }
}
