/// A logical volume to create.
public struct LogicalVolumeRequest: Sendable, Equatable {
    /// Its name ("pvc-<claim uid>"); validated by `LVMName.validateLogicalVolume`.
    public var name: String
    /// The volume group to make it in.
    public var volumeGroup: String
    /// Its size in bytes; lvm rounds it up to whole extents. For a thin volume, the
    /// virtual size.
    public var size: Int64
    /// The thin pool to make it in, or nil for a fully allocated volume.
    public var thinPool: String?
    /// Tags to put on it (e.g. the claim it belongs to), so volumes can be found by owner.
    public var tags: [String]
    /// Whether its extents must be adjacent (--alloc contiguous). Needed where
    /// device-mapper is missing: a loop device can map only one run of extents.
    public var contiguous: Bool

    /// Describes a volume; `contiguous` defaults to what this host needs.
    public init(name: String, volumeGroup: String, size: Int64, thinPool: String? = nil, tags: [String] = [],
                contiguous: Bool = !DeviceMapper.isAvailable) {
        self.name = name
        self.volumeGroup = volumeGroup
        self.size = size
        self.thinPool = thinPool
        self.tags = tags
        self.contiguous = contiguous
    }
}
