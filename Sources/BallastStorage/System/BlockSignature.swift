/// What libblkid found on a device: a filesystem, a RAID or LVM member, or a partition table.
public struct BlockSignature: Sendable, Hashable, CustomStringConvertible {
    /// blkid's TYPE ("ext4", "xfs", "LVM2_member"), or PTTYPE ("gpt", "dos") for a
    /// partition table.
    public var type: String
    /// The filesystem (or partition table) UUID, if it has one.
    public var uuid: String?
    /// The filesystem label, if it has one.
    public var label: String?
    /// blkid's USAGE ("filesystem", "raid", "crypto", "other"), or "partition table".
    public var usage: String?

    /// Makes a signature.
    public init(type: String, uuid: String? = nil, label: String? = nil, usage: String? = nil) {
        self.type = type
        self.uuid = uuid
        self.label = label
        self.usage = usage
    }

    /// "ext4 (UUID 1b4e…, label pvc-data)".
    public var description: String {
        let details = [uuid.map { "UUID \($0)" }, label.map { "label \($0)" }].compactMap { $0 }
        return details.isEmpty ? type : "\(type) (\(details.joined(separator: ", ")))"
    }
}

/// Why a device could not be probed. None of these means "blank": a caller about to
/// format must stop.
public enum BlockProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The device or file could not be opened (errno).
    case cannotOpen(path: String, errno: Int32)
    /// More than one signature claims the device (e.g. a filesystem and a partition table):
    /// blkid will not say which is real, and neither may Ballast.
    case ambivalent(path: String)
    /// libblkid failed while reading (its return code).
    case failed(path: String, code: Int32)

    /// A message naming the device.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let code): "cannot open \(path) to probe it (errno \(code))"
        case .ambivalent(let path): "\(path) carries more than one signature; refusing to guess which is real"
        case .failed(let path, let code): "probing \(path) failed (libblkid \(code))"
        }
    }
}
