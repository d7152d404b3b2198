/// Checks names, tags and paths before they reach lvm.
///
/// lvm2_run splits its command line on whitespace and ignores quotes (INTEROP pitfall 9),
/// so anything a user supplied must be proven free of whitespace, and of anything lvm
/// would read as an option, before it is joined into one. The rules are lvm's own
/// (lvm(8) "VALID NAMES"), so a name Ballast accepts is one lvm accepts.
public enum LVMName {
    /// The longest VG or LV name lvm accepts (NAME_LEN 128, including the terminator).
    public static let maximumLength = 127
    /// The longest tag lvm accepts.
    public static let maximumTagLength = 1024

    /// Suffixes lvm reserves for its hidden sub-volumes.
    static let reservedFragments = ["_cdata", "_cmeta", "_corig", "_cpool", "_cvol", "_iorig", "_mimage", "_mlog", "_pmspare",
                                    "_rimage", "_rmeta", "_tdata", "_tmeta", "_vdata", "_vorigin", "_wcorig"]

    /// Throws unless `name` is a valid volume group name.
    public static func validateVolumeGroup(_ name: String) throws(LVMError) {
        try validateCommon(name, what: "volume group")
    }

    /// Throws unless `name` is a valid logical volume name.
    public static func validateLogicalVolume(_ name: String) throws(LVMError) {
        try validateCommon(name, what: "logical volume")
        if name.hasPrefix("snapshot") || name.hasPrefix("pvmove") {
            throw refusal("logical volume name \"\(name)\" starts with a prefix lvm reserves (snapshot, pvmove)")
        }
        if let fragment = reservedFragments.first(where: { name.contains($0) }) {
            throw refusal("logical volume name \"\(name)\" contains \"\(fragment)\", which lvm reserves")
        }
    }

    /// Throws unless `tag` is a valid tag: letters, digits and `_+.-/=!:&#`, not starting
    /// with `-`.
    public static func validateTag(_ tag: String) throws(LVMError) {
        let allowed = tag.utf8.allSatisfy { isNameByte($0) || "/=!:&#".utf8.contains($0) }
        guard !tag.isEmpty, tag.utf8.count <= maximumTagLength, allowed, !tag.hasPrefix("-") else {
            throw refusal("tag \"\(tag)\" is not a valid lvm tag (1–\(maximumTagLength) of letters, digits and _+.-/=!:&#, not starting with -)")
        }
    }

    /// Throws unless `path` is an absolute device path without whitespace, `..` or
    /// characters lvm's filters could misread.
    public static func validateDevice(_ path: String) throws(LVMError) {
        let allowed = path.utf8.allSatisfy { isNameByte($0) || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") }
        guard path.hasPrefix("/dev/"), allowed, !path.split(separator: "/").contains("..") else {
            throw refusal("device \"\(path)\" is not a plain absolute path under /dev")
        }
    }

    private static func validateCommon(_ name: String, what: String) throws(LVMError) {
        guard !name.isEmpty, name.utf8.count <= maximumLength else {
            throw refusal("\(what) name \"\(name)\" must have 1 to \(maximumLength) characters")
        }
        guard name.utf8.allSatisfy(isNameByte), !name.hasPrefix("-"), name != ".", name != ".." else {
            throw refusal("\(what) name \"\(name)\" may only contain letters, digits and +_.- and may not start with -")
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || "+_.-".utf8.contains(byte)
    }

    private static func refusal(_ message: String) -> LVMError {
        LVMError(.invalidArgument, command: "(refused before running lvm)", messages: [message])
    }
}
