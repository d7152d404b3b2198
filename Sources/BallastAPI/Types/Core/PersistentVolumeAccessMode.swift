/// core/v1 PersistentVolumeAccessMode: how a volume may be mounted.
///
/// A struct rather than an enum so that any string decodes (validation, not decoding,
/// rejects an unknown mode, with Kubernetes' message); on the wire it is a plain string.
public struct PersistentVolumeAccessMode: RawRepresentable, Codable, Sendable, Hashable, ExpressibleByStringLiteral,
    CustomStringConvertible
{
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) { self.rawValue = value }

    /// The mode as written: "ReadWriteOnce".
    public var description: String { rawValue }

    /// Read-write by a single node.
    public static let readWriteOnce = PersistentVolumeAccessMode(rawValue: "ReadWriteOnce")
    /// Read-only by many nodes.
    public static let readOnlyMany = PersistentVolumeAccessMode(rawValue: "ReadOnlyMany")
    /// Read-write by many nodes.
    public static let readWriteMany = PersistentVolumeAccessMode(rawValue: "ReadWriteMany")
    /// Read-write by a single pod.
    public static let readWriteOncePod = PersistentVolumeAccessMode(rawValue: "ReadWriteOncePod")

    /// The supported modes, sorted as Kubernetes lists them in errors.
    public static let supported: [PersistentVolumeAccessMode] = [.readOnlyMany, .readWriteMany, .readWriteOnce, .readWriteOncePod]

    /// Whether Kubernetes knows the mode.
    public var isSupported: Bool { Self.supported.contains(self) }

    /// "RWO", "ROX", "RWX", "RWOP"; nil for an unknown mode.
    public var abbreviation: String? {
        switch self {
        case .readWriteOnce: return "RWO"
        case .readOnlyMany: return "ROX"
        case .readWriteMany: return "RWX"
        case .readWriteOncePod: return "RWOP"
        default: return nil
        }
    }

    /// The modes as kubectl prints them ("RWO,ROX"): always in the order RWO, ROX, RWX, RWOP,
    /// duplicates and unknown modes left out (helper.GetAccessModesAsString).
    public static func abbreviated(_ modes: [PersistentVolumeAccessMode]?) -> String {
        let present = Set(modes ?? [])
        return [PersistentVolumeAccessMode.readWriteOnce, .readOnlyMany, .readWriteMany, .readWriteOncePod]
            .filter { present.contains($0) }
            .compactMap(\.abbreviation)
            .joined(separator: ",")
    }

    /// The access-mode checks PersistentVolumes and claims share: each mode supported, and
    /// ReadWriteOncePod alone. (Whether the list may be empty differs, so callers check that.)
    static func validate(_ modes: [PersistentVolumeAccessMode], field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var foundOncePod = false
        var foundOther = false
        for mode in modes {
            if !mode.isSupported {
                errors.append(.notSupported(field, mode.rawValue, supported.map(\.rawValue)))
            }
            if mode == .readWriteOncePod {
                foundOncePod = true
            } else if mode.isSupported {
                foundOther = true
            }
        }
        if foundOncePod && foundOther {
            errors.append(.forbidden(field, "may not use ReadWriteOncePod with other access modes"))
        }
        return errors
    }
}

/// core/v1 PersistentVolumeMode values: whether a volume is a filesystem or a raw block device.
public enum PersistentVolumeMode {
    /// A raw block device.
    public static let block = "Block"
    /// A formatted filesystem (the default).
    public static let filesystem = "Filesystem"
    /// Sorted, as Kubernetes lists them in errors.
    public static let supported = [block, filesystem]
}

/// core/v1 PersistentVolumeReclaimPolicy values: what happens to a volume its claim released.
public enum PersistentVolumeReclaimPolicy {
    /// Delete the volume and its data.
    public static let delete = "Delete"
    /// Scrub the volume and make it Available again (deprecated upstream).
    public static let recycle = "Recycle"
    /// Keep the volume and its data for an administrator.
    public static let retain = "Retain"
    /// What a PersistentVolume may carry, sorted as Kubernetes lists them in errors.
    public static let supported = [delete, recycle, retain]
}

/// Annotations and labels the storage kinds share with Kubernetes.
public enum StorageAnnotations {
    /// The pre-1.6 way of naming a class; still read before spec.storageClassName.
    public static let betaStorageClass = "volume.beta.kubernetes.io/storage-class"
    /// Deprecated mount options, which only some volume types accept.
    public static let betaMountOptions = "volume.beta.kubernetes.io/mount-options"
    /// Marks the default StorageClass.
    public static let isDefaultClass = "storageclass.kubernetes.io/is-default-class"
    /// The beta spelling of `isDefaultClass`, still honoured.
    public static let betaIsDefaultClass = "storageclass.beta.kubernetes.io/is-default-class"
}
