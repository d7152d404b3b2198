/// One line of /proc/self/mountinfo: a mount as the kernel sees it.
public struct MountEntry: Sendable, Hashable {
    /// The mount's unique ID.
    public var id: Int
    /// The ID of the mount it sits on.
    public var parentID: Int
    /// The major number of the device the filesystem is on (st_dev of its files).
    public var major: UInt32
    /// The minor number of that device.
    public var minor: UInt32
    /// The directory of the filesystem that is mounted here: "/" unless a bind mount.
    public var root: String
    /// Where it is mounted, unescaped.
    public var mountPoint: String
    /// Per-mount options ("rw", "nosuid", "relatime" …).
    public var options: [String]
    /// Optional fields, e.g. "shared:1" or "master:3" (the propagation).
    public var optionalFields: [String]
    /// The filesystem type ("ext4", "xfs", "tmpfs").
    public var fileSystemType: String
    /// What was mounted ("/dev/loop9", "tmpfs"), unescaped.
    public var source: String
    /// Per-superblock options.
    public var superOptions: [String]

    /// Makes an entry; `parse(mountinfo:)` reads real ones.
    public init(id: Int, parentID: Int, major: UInt32, minor: UInt32, root: String, mountPoint: String, options: [String],
                optionalFields: [String] = [], fileSystemType: String, source: String, superOptions: [String] = []) {
        self.id = id
        self.parentID = parentID
        self.major = major
        self.minor = minor
        self.root = root
        self.mountPoint = mountPoint
        self.options = options
        self.optionalFields = optionalFields
        self.fileSystemType = fileSystemType
        self.source = source
        self.superOptions = superOptions
    }

    /// Whether the mount refuses writes.
    public var isReadOnly: Bool { options.contains("ro") }

    /// The mount's propagation, from its optional fields.
    public var propagation: MountPropagation {
        if optionalFields.contains(where: { $0.hasPrefix("shared:") }) { return .shared }
        if optionalFields.contains(where: { $0.hasPrefix("master:") }) { return .slave }
        if optionalFields.contains("unbindable") { return .unbindable }
        return .private
    }
}

extension MountEntry {
    /// Parses the text of /proc/<pid>/mountinfo (proc(5)). Lines that do not have the
    /// documented shape are skipped rather than guessed at.
    ///
    /// The kernel escapes space, tab, newline and backslash in paths as octal (`\040`), so
    /// a path never contains a field separator; escapes are decoded as bytes, then as UTF-8.
    public static func parse(mountinfo: String) -> [MountEntry] {
        mountinfo.split(separator: "\n").compactMap { parse(line: $0) }
    }

    static func parse(line: Substring) -> MountEntry? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        guard fields.count >= 9, let separator = fields[6...].firstIndex(of: "-"), fields.count > separator + 2,
              let id = Int(fields[0]), let parentID = Int(fields[1])
        else { return nil }
        let numbers = fields[2].split(separator: ":")
        guard numbers.count == 2, let major = UInt32(numbers[0]), let minor = UInt32(numbers[1]) else { return nil }
        return MountEntry(
            id: id, parentID: parentID, major: major, minor: minor,
            root: unescape(fields[3]), mountPoint: unescape(fields[4]),
            options: fields[5].split(separator: ",").map(String.init),
            optionalFields: fields[6..<separator].map(String.init),
            fileSystemType: unescape(fields[separator + 1]),
            source: unescape(fields[separator + 2]),
            superOptions: separator + 3 < fields.count ? fields[separator + 3].split(separator: ",").map(String.init) : [])
    }

    /// Decodes the kernel's `\ooo` octal escapes.
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        let bytes = Array(field.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count {
                let digits = bytes[(index + 1)...(index + 3)]
                if digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) {
                    let value = digits.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
                    if value <= 255 {
                        result.append(UInt8(value))
                        index += 4
                        continue
                    }
                }
            }
            result.append(bytes[index])
            index += 1
        }
        return String(decoding: result, as: UTF8.self)
    }
}
