/// Reads which filesystem, volume manager or partition table signature a device carries.
///
/// The guard in front of every mkfs and pvcreate (DESIGN.md, "Safety"): only a device this
/// reports as blank may be formatted.
public protocol BlockProbe: Sendable {
    /// The signature on `path` (a block device or a file), or nil when the device is
    /// provably blank: every probe ran and none matched.
    /// - Throws: `BlockProbeError` when it cannot tell (unreadable, ambivalent); never treat
    ///   that as blank.
    func signature(of path: String) throws(BlockProbeError) -> BlockSignature?
}
