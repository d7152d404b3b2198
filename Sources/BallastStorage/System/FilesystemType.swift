/// The filesystems Ballast makes on block volumes (a StorageClass's `csi.storage.k8s.io/fstype`).
public enum FilesystemType: String, Sendable, Hashable, CaseIterable {
    case ext4
    case xfs

    /// The longest label the filesystem stores, in bytes.
    public var maximumLabelLength: Int {
        switch self {
        case .ext4: 16
        case .xfs: 12
        }
    }
}
