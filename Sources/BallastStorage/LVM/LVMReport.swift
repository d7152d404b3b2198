/// Everything Ballast reads from LVM, from one `lvm fullreport` (STYLE.md rule 4): volume
/// groups, physical volumes, logical volumes and their segments. Sizes are bytes.
public struct LVMReport: Sendable, Equatable {
    /// The volume groups.
    public var volumeGroups: [VolumeGroup]
    /// The physical volumes, including those in no volume group.
    public var physicalVolumes: [PhysicalVolume]
    /// The logical volumes, hidden ones (thin pool data, …) included.
    public var logicalVolumes: [LogicalVolume]

    /// Makes a report.
    public init(volumeGroups: [VolumeGroup] = [], physicalVolumes: [PhysicalVolume] = [], logicalVolumes: [LogicalVolume] = []) {
        self.volumeGroups = volumeGroups
        self.physicalVolumes = physicalVolumes
        self.logicalVolumes = logicalVolumes
    }

    /// A volume group.
    public struct VolumeGroup: Sendable, Equatable {
        /// The group's name.
        public var name: String
        /// lvm's UUID of the group.
        public var uuid: String
        /// Total size.
        public var size: Int64
        /// Unallocated space: the largest logical volume that can still be made (if its
        /// extents need not be adjacent).
        public var free: Int64
        /// The size of one physical extent, lvm's allocation unit.
        public var extentSize: Int64
        /// The number of extents in total.
        public var extentCount: Int64
        /// The number of free extents.
        public var freeExtentCount: Int64
        /// The group's tags.
        public var tags: [String]

        /// Makes a value.
        public init(name: String, uuid: String = "", size: Int64, free: Int64, extentSize: Int64, extentCount: Int64 = 0,
                    freeExtentCount: Int64 = 0, tags: [String] = []) {
            self.name = name
            self.uuid = uuid
            self.size = size
            self.free = free
            self.extentSize = extentSize
            self.extentCount = extentCount
            self.freeExtentCount = freeExtentCount
            self.tags = tags
        }
    }

    /// A physical volume: a device lvm has labelled.
    public struct PhysicalVolume: Sendable, Equatable {
        /// The device path ("/dev/loop3").
        public var name: String
        /// lvm's UUID of the physical volume.
        public var uuid: String
        /// The volume group it belongs to, or nil for an orphan.
        public var volumeGroup: String?
        /// Where the first extent starts on the device, in bytes: what maps an extent
        /// number to a device offset.
        public var extentStart: Int64
        /// The size lvm uses, in bytes.
        public var size: Int64
        /// Unallocated bytes on it.
        public var free: Int64
        /// The size of the underlying device.
        public var deviceSize: Int64

        /// Makes a value.
        public init(name: String, uuid: String = "", volumeGroup: String?, extentStart: Int64, size: Int64, free: Int64 = 0,
                    deviceSize: Int64 = 0) {
            self.name = name
            self.uuid = uuid
            self.volumeGroup = volumeGroup
            self.extentStart = extentStart
            self.size = size
            self.free = free
            self.deviceSize = deviceSize
        }
    }

    /// A logical volume.
    public struct LogicalVolume: Sendable, Equatable {
        /// The volume's name.
        public var name: String
        /// The group it is in.
        public var volumeGroup: String
        /// lvm's UUID of the volume.
        public var uuid: String
        /// The path device-mapper would give it ("/dev/vg0/pvc-…"); it exists only when
        /// the volume is active.
        public var path: String
        /// Its size in bytes.
        public var size: Int64
        /// Its tags.
        public var tags: [String]
        /// lvs' 10-character lv_attr ("-wi-a-----"): type, permissions, allocation, …
        public var attributes: String
        /// lv_layout ("linear", "striped", "thin", "thin,pool" …).
        public var layout: String
        /// For a thin volume, its pool.
        public var pool: String?
        /// For a snapshot, its origin.
        public var origin: String?
        /// For a thin pool or thin volume, how full its data is, in percent.
        public var dataPercent: Double?
        /// For a thin pool, how full its metadata is, in percent.
        public var metadataPercent: Double?
        /// Its segments in logical order.
        public var segments: [Segment]

        /// Makes a value.
        public init(name: String, volumeGroup: String, uuid: String = "", path: String = "", size: Int64, tags: [String] = [],
                    attributes: String = "", layout: String = "linear", pool: String? = nil, origin: String? = nil,
                    dataPercent: Double? = nil, metadataPercent: Double? = nil, segments: [Segment] = []) {
            self.name = name
            self.volumeGroup = volumeGroup
            self.uuid = uuid
            self.path = path
            self.size = size
            self.tags = tags
            self.attributes = attributes
            self.layout = layout
            self.pool = pool
            self.origin = origin
            self.dataPercent = dataPercent
            self.metadataPercent = metadataPercent
            self.segments = segments
        }

        /// "vg0/pvc-…".
        public var fullName: String { "\(volumeGroup)/\(name)" }
        /// Whether this is a thin pool (lv_attr type 't').
        public var isThinPool: Bool { attributes.first == "t" }
        /// Whether this is a thin volume (lv_attr type 'V').
        public var isThinVolume: Bool { attributes.first == "V" }
        /// Whether lvm marks it active in the kernel (lv_attr state 'a').
        public var isActive: Bool { attributes.count > 4 && attributes[attributes.index(attributes.startIndex, offsetBy: 4)] == "a" }
    }

    /// A run of a logical volume's extents with one layout.
    public struct Segment: Sendable, Equatable {
        /// The segment type ("linear", "striped", "thin" …).
        public var type: String
        /// Its first extent within the logical volume.
        public var startExtent: Int64
        /// How many extents it spans.
        public var extentCount: Int64
        /// Its start within the logical volume, in bytes.
        public var start: Int64
        /// Its size in bytes.
        public var size: Int64
        /// The number of stripes (1 for linear).
        public var stripes: Int
        /// Where its extents are: each device with the first physical extent used on it.
        public var devices: [SegmentDevice]

        /// Makes a value.
        public init(type: String, startExtent: Int64, extentCount: Int64, start: Int64, size: Int64, stripes: Int = 1,
                    devices: [SegmentDevice]) {
            self.type = type
            self.startExtent = startExtent
            self.extentCount = extentCount
            self.start = start
            self.size = size
            self.stripes = stripes
            self.devices = devices
        }
    }

    /// One device a segment lives on: the physical volume (or, for stacked types, the
    /// sub-volume) and its first extent there.
    public struct SegmentDevice: Sendable, Equatable {
        /// The physical volume's device path, or a hidden sub-volume's name.
        public var device: String
        /// The first physical extent used on it.
        public var startExtent: Int64

        /// Makes a value.
        public init(device: String, startExtent: Int64) {
            self.device = device
            self.startExtent = startExtent
        }
    }
}

extension LVMReport {
    /// The volume group named `name`.
    public func volumeGroup(named name: String) -> VolumeGroup? {
        volumeGroups.first { $0.name == name }
    }

    /// The logical volume `name` in the volume group `volumeGroup`.
    public func logicalVolume(_ name: String, in volumeGroup: String) -> LogicalVolume? {
        logicalVolumes.first { $0.name == name && $0.volumeGroup == volumeGroup }
    }

    /// The logical volumes of `volumeGroup` (all groups when nil) that carry `tag` (any
    /// tag when nil).
    public func logicalVolumes(in volumeGroup: String? = nil, taggedWith tag: String? = nil) -> [LogicalVolume] {
        logicalVolumes.filter { volume in
            (volumeGroup == nil || volume.volumeGroup == volumeGroup) && (tag == nil || volume.tags.contains(tag ?? ""))
        }
    }

    /// The physical volume on `device`.
    public func physicalVolume(on device: String) -> PhysicalVolume? {
        physicalVolumes.first { $0.name == device }
    }
}
