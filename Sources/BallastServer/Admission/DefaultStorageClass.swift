public import BallastAPI
import Foundation

/// Writes the default StorageClass into a new claim that names none, as upstream's
/// DefaultStorageClass plugin does: a claim with `storageClassName` unset (not `""`, which
/// means "no class") gets the newest class marked default; with no default it stays unset
/// and the binder assigns one when a default appears.
public struct DefaultStorageClass: AdmissionPlugin {
    public let name = "DefaultStorageClass"

    public init() {}

    public func admit(_ attributes: inout AdmissionAttributes, context: any AdmissionContext) async throws(APIError) {
        guard attributes.operation == .create, attributes.subresource == nil,
              var claim = attributes.object as? PersistentVolumeClaim else { return }
        guard claim.spec?.storageClassName == nil, claim.metadata.annotation(StorageAnnotations.betaStorageClass) == nil else { return }
        guard let chosen = Self.defaultClass(among: context.objects(StorageClass.self, namespace: nil)) else { return }
        var spec = claim.spec ?? PersistentVolumeClaimSpec()
        spec.storageClassName = chosen.name
        claim.spec = spec
        attributes.object = claim
    }

    /// The newest default class; among equally new ones the first by name, so the choice
    /// is stable (upstream's GetDefaultClass since 1.26 allows several defaults).
    public static func defaultClass(among classes: [StorageClass]) -> StorageClass? {
        classes.filter(\.isDefault).max { lhs, rhs in
            let left = lhs.metadata.creationTimestamp?.date ?? .distantPast
            let right = rhs.metadata.creationTimestamp?.date ?? .distantPast
            return left != right ? left < right : lhs.name > rhs.name
        }
    }
}
