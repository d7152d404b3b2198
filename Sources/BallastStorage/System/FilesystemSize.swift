import Glibc

/// The size a filesystem has, read from its superblock (libblkid 2.38 does not report it):
/// what tells a volume whose device grew from one whose filesystem grew too.
public enum FilesystemSize {
    /// Bytes of the ext4 or xfs filesystem on `device`, or nil when its superblock is not
    /// one of those.
    public static func bytes(on device: String, type: FilesystemType) throws(VolumeError) -> Int64? {
        let fd = open(device, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw VolumeError(.failed, SystemCallError("open", path: device, errno: errno).description) }
        defer { close(fd) }
        switch type {
        case .ext4:
            // struct ext4_super_block at 1024: s_blocks_count_lo (0x04), s_log_block_size
            // (0x18), s_magic (0x38), s_feature_incompat (0x60), s_blocks_count_hi (0x150).
            let block = try read(fd, device, offset: 1024, count: 0x154)
            guard little16(block, 0x38) == 0xEF53 else { return nil }
            let shift = little32(block, 0x18)
            guard shift < 8 else { return nil }
            var count = UInt64(little32(block, 0x04))
            if little32(block, 0x60) & 0x80 != 0 { count |= UInt64(little32(block, 0x150)) << 32 }
            return Int64(count) << (10 + Int64(shift))
        case .xfs:
            // struct xfs_sb at 0: sb_magicnum "XFSB", sb_blocksize (4, big-endian),
            // sb_dblocks (8, big-endian).
            let block = try read(fd, device, offset: 0, count: 16)
            guard block[0..<4].elementsEqual("XFSB".utf8) else { return nil }
            let size = (0..<4).reduce(UInt64(0)) { $0 << 8 | UInt64(block[4 + $1]) }
            let blocks = (0..<8).reduce(UInt64(0)) { $0 << 8 | UInt64(block[8 + $1]) }
            return Int64(clamping: blocks &* size)
        }
    }

    /// Whether the filesystem on `device` is more than a MiB smaller than the device: the
    /// device grew (an expanded volume) and the filesystem has yet to follow.
    public static func lagsBehindDevice(_ device: String, type: FilesystemType) throws(VolumeError) -> Bool {
        guard let filesystem = try bytes(on: device, type: type) else { return false }
        let size: UInt64
        do { size = try LinuxLoopDeviceManager.blockDeviceSize(device) } catch { throw VolumeError(.failed, error.description) }
        return Int64(clamping: size) - filesystem > 1 << 20
    }

    private static func read(_ fd: Int32, _ device: String, offset: Int, count: Int) throws(VolumeError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        guard got == count else {
            throw VolumeError(.failed, got < 0 ? SystemCallError("pread", path: device, errno: errno).description : "\(device): short superblock")
        }
        return buffer
    }

    private static func little16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8 }

    private static func little32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
    }
}
