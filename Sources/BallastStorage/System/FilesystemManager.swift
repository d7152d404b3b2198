/// Makes, grows and measures filesystems on block devices.
///
/// The one rule it exists for (DESIGN.md, "Safety"; storage-rules.md rule 15): a device is
/// formatted only when `BlockProbe` reports it blank. Nothing here passes mkfs a force flag.
public protocol FilesystemManager: Sendable {
    /// Makes a `type` filesystem on `device`, which must be blank.
    /// - Parameters:
    ///   - label: at most `type.maximumLabelLength` bytes of letters, digits, `-`, `_`, `.`.
    ///   - uuid: the filesystem UUID to set (so a retry can recognise its own work), or nil.
    /// - Returns: the signature the device carries afterwards.
    /// - Throws: `VolumeError` `.unsafe` when the device carries any signature or cannot be
    ///   probed (nothing is written); `.invalid` for a bad label or UUID; `.failed` when mkfs
    ///   fails or is missing.
    func format(_ device: String, as type: FilesystemType, label: String?, uuid: String?) async throws(VolumeError) -> BlockSignature

    /// Leaves a `type` filesystem that is already on `device` as it is, formats a blank
    /// device, and refuses anything else: what publishing a volume does, so that a remount
    /// or a retry after a crash never formats twice. When `uuid` is given, an existing
    /// filesystem must carry that UUID too: one with another UUID was left by someone else.
    /// - Throws: `VolumeError` `.unsafe` when the device holds another signature (the data
    ///   is left untouched), otherwise as `format`.
    func formatIfBlank(_ device: String, as type: FilesystemType, label: String?, uuid: String?) async throws(VolumeError) -> FormatOutcome

    /// Grows the `type` filesystem on `device` to fill the device: online when `mountPoint`
    /// names where it is mounted (resize2fs, xfs_growfs), offline when it is nil (ext4 only:
    /// `e2fsck -f -p`, which resize2fs demands first, then resize2fs; xfs grows only mounted).
    /// Growing to the size it already has succeeds. The device must already show its new
    /// size (see `LoopDeviceManager.refreshCapacity`).
    ///
    /// Online ext4 growth needs CAP_SYS_RESOURCE (the kernel checks it in
    /// EXT4_IOC_RESIZE_FS); without it this throws `.failed` before running anything, and the
    /// caller can grow the filesystem before mounting it instead.
    /// - Throws: `VolumeError` `.invalid` for offline xfs, `.failed` when the tool fails.
    func grow(_ device: String, mountedAt mountPoint: String?, type: FilesystemType) async throws(VolumeError)

    /// Space and inodes of the filesystem mounted at `mountPoint`.
    func usage(at mountPoint: String) throws(VolumeError) -> FilesystemUsage
}

/// What `formatIfBlank` did.
public enum FormatOutcome: Sendable, Hashable {
    /// The device was blank and now carries this filesystem.
    case formatted(BlockSignature)
    /// The device already carried a filesystem of the requested type; nothing was written.
    case alreadyFormatted(BlockSignature)

    /// The filesystem's signature either way.
    public var signature: BlockSignature {
        switch self {
        case .formatted(let signature), .alreadyFormatted(let signature): signature
        }
    }
}
