public import BallastAPI

/// Knows which reclaim policies the volume drivers can carry out. The server has no
/// drivers of its own; the control plane passes one in.
public protocol ReclaimPolicyCatalog: Sendable {
    /// The reclaim policies a class of `provisioner` may name; nil when the provisioner is
    /// not Ballast's (an external provisioner decides for itself).
    func supportedPolicies(provisioner: String) -> [String]?
    /// The reclaim policies `volume` may carry, from its provisioner or, for a static
    /// volume, its source; nil when Ballast cannot tell (a CSI volume of another driver).
    func supportedPolicies(volume: PersistentVolume) -> [String]?
}

/// Refuses (422, naming the field) a StorageClass or PersistentVolume whose reclaim policy
/// its driver cannot honour, so a user learns at apply time that e.g. a static NFS export
/// cannot be deleted by policy, instead of finding a Failed volume after the data's claim
/// is gone.
public struct ReclaimPolicySupport: AdmissionPlugin {
    public let name = "ReclaimPolicySupport"
    private let catalog: any ReclaimPolicyCatalog

    public init(catalog: any ReclaimPolicyCatalog) { self.catalog = catalog }

    public func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError) {
        guard attributes.subresource == nil, attributes.operation != .delete else { return }
        if let storageClass = attributes.object as? StorageClass, attributes.operation == .create {
            let policy = storageClass.effectiveReclaimPolicy
            guard let supported = catalog.supportedPolicies(provisioner: storageClass.provisioner), !supported.contains(policy) else { return }
            throw refusal(kind: "StorageClass", group: "storage.k8s.io", name: storageClass.name, field: FieldPath("reclaimPolicy"),
                          policy: policy, supported: supported, driver: "provisioner \(storageClass.provisioner)")
        }
        if let volume = attributes.object as? PersistentVolume {
            let policy = volume.spec?.persistentVolumeReclaimPolicy ?? PersistentVolumeReclaimPolicy.retain
            if let old = attributes.oldObject as? PersistentVolume, old.spec?.persistentVolumeReclaimPolicy == volume.spec?.persistentVolumeReclaimPolicy {
                return
            }
            guard let supported = catalog.supportedPolicies(volume: volume), !supported.contains(policy) else { return }
            let driver = volume.metadata.annotation(VolumeBindingRules.provisionedBy).map { "provisioner \($0)" }
                ?? "a static \(volume.source?.rawValue ?? "unknown") volume"
            throw refusal(kind: "PersistentVolume", group: "", name: volume.name, field: FieldPath("spec").child("persistentVolumeReclaimPolicy"),
                          policy: policy, supported: supported, driver: driver)
        }
    }

    private func refusal(kind: String, group: String, name: String, field: FieldPath, policy: String, supported: [String], driver: String) -> APIError {
        let error = FieldError.notSupported(field, policy, supported)
        var detailed = error
        detailed.detail = "\(driver) cannot honour reclaim policy \(policy); " + error.detail
        return .invalid(kind: kind, group: group, name: name, errors: [detailed])
    }
}
