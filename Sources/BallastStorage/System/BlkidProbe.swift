internal import CBlkid
import Glibc

/// `BlockProbe` over libblkid's low-level "safe probe" (what `blkid -p` does): it reads the
/// device itself rather than blkid's cache, checks superblocks and partition tables, and
/// says "ambivalent" instead of picking one of two signatures. The only file that imports
/// CBlkid.
public struct BlkidProbe: BlockProbe {
    /// A probe.
    public init() {}

    /// libblkid safe probe of superblocks and partition tables; see `BlockProbe.signature(of:)`.
    public func signature(of path: String) throws(BlockProbeError) -> BlockSignature? {
        errno = 0
        guard let probe = blkid_new_probe_from_filename(path) else {
            throw .cannotOpen(path: path, errno: errno == 0 ? ENOENT : errno)
        }
        defer { blkid_free_probe(probe) }
        blkid_probe_enable_superblocks(probe, 1)
        blkid_probe_set_superblocks_flags(probe, BLKID_SUBLKS_TYPE | BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_USAGE)
        blkid_probe_enable_partitions(probe, 1)

        switch blkid_do_safeprobe(probe) {
        case 0:
            break
        case 1:
            return nil
        case -2:
            throw .ambivalent(path: path)
        case let code:
            throw .failed(path: path, code: code)
        }
        if let type = value(probe, "TYPE") {
            return BlockSignature(type: type, uuid: value(probe, "UUID"), label: value(probe, "LABEL"), usage: value(probe, "USAGE"))
        }
        if let table = value(probe, "PTTYPE") {
            return BlockSignature(type: table, uuid: value(probe, "PTUUID"), usage: "partition table")
        }
        // Something matched but named no type: not blank, and not nameable either.
        return BlockSignature(type: "unknown")
    }

    private func value(_ probe: OpaquePointer, _ name: String) -> String? {
        var data: UnsafePointer<CChar>?
        var length = 0
        guard blkid_probe_lookup_value(probe, name, &data, &length) == 0, let data else { return nil }
        let text = String(cString: data)
        return text.isEmpty ? nil : text
    }
}
