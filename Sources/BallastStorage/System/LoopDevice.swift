/// A loop device bound to a backing file (or block device), as the kernel reports it.
public struct LoopDevice: Sendable, Hashable, CustomStringConvertible {
    /// N in /dev/loopN.
    public var number: Int
    /// The backing file's path as the kernel recorded it when the device was attached.
    public var backingFile: String
    /// Where in the backing file the device starts, in bytes.
    public var offset: UInt64
    /// How many bytes of the backing file the device shows; 0 means up to its end.
    public var sizeLimit: UInt64
    /// Whether the device refuses writes.
    public var readOnly: Bool
    /// The backing file's st_dev: with `backingInode`, its identity, whatever its path.
    public var backingDevice: UInt64
    /// The backing file's inode number.
    public var backingInode: UInt64

    /// Makes a value; `LoopDeviceManager` is what reads real ones.
    public init(number: Int, backingFile: String, offset: UInt64 = 0, sizeLimit: UInt64 = 0, readOnly: Bool = false,
                backingDevice: UInt64, backingInode: UInt64) {
        self.number = number
        self.backingFile = backingFile
        self.offset = offset
        self.sizeLimit = sizeLimit
        self.readOnly = readOnly
        self.backingDevice = backingDevice
        self.backingInode = backingInode
    }

    /// The device node, "/dev/loopN".
    public var path: String { "/dev/loop\(number)" }

    /// "/dev/loop9 -> /var/lib/x.img @4194304+1073741824".
    public var description: String {
        "\(path) -> \(backingFile) @\(offset)+\(sizeLimit == 0 ? "end" : String(sizeLimit))\(readOnly ? " ro" : "")"
    }
}
