/// mount(2) flags Ballast uses; raw values are the kernel's MS_* constants.
public struct MountFlags: OptionSet, Sendable, Hashable {
    /// The MS_* bits.
    public var rawValue: UInt

    /// Makes flags from MS_* bits.
    public init(rawValue: UInt) { self.rawValue = rawValue }

    /// MS_RDONLY.
    public static let readOnly = MountFlags(rawValue: 1)
    /// MS_NOSUID.
    public static let noSetUID = MountFlags(rawValue: 2)
    /// MS_NODEV.
    public static let noDevices = MountFlags(rawValue: 4)
    /// MS_NOEXEC.
    public static let noExecute = MountFlags(rawValue: 8)
    /// MS_NOATIME.
    public static let noAccessTime = MountFlags(rawValue: 1024)
    /// MS_RELATIME.
    public static let relativeAccessTime = MountFlags(rawValue: 1 << 21)

    // Flags that select an operation rather than describe a mount: internal, so callers
    // cannot combine them into requests mount(2) would read differently.
    static let remount = MountFlags(rawValue: 32)
    static let bind = MountFlags(rawValue: 4096)
    static let recursive = MountFlags(rawValue: 16384)
}

/// How mount and unmount events spread between a mount and its copies
/// (Documentation/filesystems/sharedsubtree.rst).
public enum MountPropagation: String, Sendable, Hashable {
    /// MS_PRIVATE: nothing spreads either way.
    case `private`
    /// MS_SLAVE: events arrive from the master, none go back ("rslave" for containers).
    case slave
    /// MS_SHARED: events spread both ways within the peer group.
    case shared
    /// MS_UNBINDABLE: private, and cannot be bind mounted.
    case unbindable

    var flag: UInt {
        switch self {
        case .private: 1 << 18
        case .slave: 1 << 19
        case .shared: 1 << 20
        case .unbindable: 1 << 17
        }
    }
}
