import BallastAPI

/// Adds the protection finalizers to every new claim and volume, as upstream's
/// StorageObjectInUseProtection plugin does: the protection controllers remove them once a
/// claim has no pod using it, or a volume is no longer bound.
public struct StorageObjectInUseProtection: AdmissionPlugin {
    public let name = "StorageObjectInUseProtection"
    public static let claimFinalizer = "kubernetes.io/pvc-protection"
    public static let volumeFinalizer = "kubernetes.io/pv-protection"

    public init() {}

    public func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError) {
        guard attributes.operation == .create, attributes.subresource == nil else { return }
        if var claim = attributes.object as? PersistentVolumeClaim {
            claim.metadata.addFinalizer(Self.claimFinalizer)
            attributes.object = claim
        } else if var volume = attributes.object as? PersistentVolume {
            volume.metadata.addFinalizer(Self.volumeFinalizer)
            attributes.object = volume
        }
    }
}

extension ObjectMeta {
    /// Appends `finalizer` unless it is already there.
    mutating func addFinalizer(_ finalizer: String) {
        var list = finalizers ?? []
        guard !list.contains(finalizer) else { return }
        list.append(finalizer)
        finalizers = list
    }
}
