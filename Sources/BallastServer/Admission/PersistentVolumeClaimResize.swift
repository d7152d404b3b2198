import BallastAPI

/// Lets a bound claim's storage request grow only when its class allows expansion, as
/// upstream's PersistentVolumeClaimResize plugin does (403 with upstream's message).
public struct PersistentVolumeClaimResize: AdmissionPlugin {
    public let name = "PersistentVolumeClaimResize"

    public init() {}

    public func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError) {
        guard attributes.operation == .update, attributes.subresource == nil,
              let claim = attributes.object as? PersistentVolumeClaim,
              let old = attributes.oldObject as? PersistentVolumeClaim,
              let newSize = claim.spec?.storageRequest, let oldSize = old.spec?.storageRequest,
              newSize > oldSize else { return }
        // The binder and validation deal with claims that are not bound yet.
        guard old.phase == PersistentVolumeClaimPhase.bound else { return }
        let className = old.storageClassName
        guard !className.isEmpty,
              let storageClass = context.object(StorageClass.self, namespace: "", name: className),
              storageClass.allowVolumeExpansion == true else {
            throw APIError.forbidden("only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
                                     resource: attributes.resource, name: claim.name)
        }
    }
}
