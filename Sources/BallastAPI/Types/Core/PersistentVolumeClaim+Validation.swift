/// ValidatePersistentVolumeClaim and ValidatePersistentVolumeClaimUpdate
/// (pkg/apis/core/validation), with the VolumeAttributesClass and
/// RecoverVolumeExpansionFailure features on.
extension PersistentVolumeClaim {
    public func validate() -> [FieldError] {
        (spec ?? PersistentVolumeClaimSpec()).validate(field: FieldPath("spec"))
    }

    /// Claims are immutable so quotas cannot be gamed, with three exceptions: the binder may
    /// set volumeName once, a class may be set on a claim created without one, and a bound
    /// claim may change its storage request (grow it, or shrink it back towards
    /// status.capacity after a failed expansion) and its volumeAttributesClassName.
    ///
    /// "Bound" is read from status.phase, which `prepareForUpdate` has already copied from
    /// the stored claim.
    public func validateUpdate(old: PersistentVolumeClaim) -> [FieldError] {
        var errors = validate()
        var newSpec = spec ?? PersistentVolumeClaimSpec()
        var oldSpec = old.spec ?? PersistentVolumeClaimSpec()

        if (oldSpec.volumeName ?? "").isEmpty {
            oldSpec.volumeName = newSpec.volumeName
        }
        let beta = StorageAnnotations.betaStorageClass
        let oldAnnotations = old.metadata.annotations ?? [:], newAnnotations = metadata.annotations ?? [:]
        if Self.upgradesClassFromAnnotation(oldAnnotations, newAnnotations, oldSpec.storageClassName, newSpec.storageClassName) {
            newSpec.storageClassName = nil
        } else {
            let newValue = newAnnotations[beta] ?? "", oldValue = oldAnnotations[beta] ?? ""
            if newValue != oldValue {
                errors.append(.invalid(FieldPath("metadata").child("annotations").child(beta), newValue, "field is immutable"))
            }
            if Self.upgradesClassFromNil(oldAnnotations, oldSpec.storageClassName, newSpec.storageClassName) {
                newSpec.storageClassName = oldSpec.storageClassName
            }
        }

        let bound = status?.phase == PersistentVolumeClaimPhase.bound
        if bound, newSpec.resources?.requests != nil {
            newSpec.resources?.requests?[ResourceName.storage] = old.spec?.storageRequest
        }
        if bound, newSpec.volumeAttributesClassName != nil {
            newSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName
        }

        if newSpec != oldSpec {
            let diff = PersistentVolumeDiff.render(
                type: "core.PersistentVolumeClaimSpec",
                fields: ["accessModes", "selector", "resources", "volumeName", "storageClassName", "volumeMode", "dataSource",
                         "dataSourceRef", "volumeAttributesClassName"].map { PersistentVolumeDiff.Field($0) },
                old: oldSpec, new: newSpec)
            errors.append(.forbidden(FieldPath("spec"),
                                     "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n\(diff)"))
        }

        let zero = Quantity(0)
        let oldSize = old.spec?.storageRequest ?? zero
        let newSize = spec?.storageRequest ?? zero
        let statusSize = old.status?.storageCapacity ?? zero
        // Volumes never shrink; a request may only come back down to undo an expansion that
        // has not reached the volume yet.
        if newSize < oldSize, newSize <= statusSize {
            errors.append(.forbidden(FieldPath("spec").child("resources").child("requests").child("storage"),
                                     "field can not be less than status.capacity"))
        }

        if spec?.volumeMode != old.spec?.volumeMode {
            errors.append(.invalid(FieldPath("volumeMode"), spec?.volumeMode ?? "null", "field is immutable"))
        }
        if oldSpec.volumeAttributesClassName != nil {
            let attributesPath = FieldPath("spec").child("volumeAttributesClassName")
            if spec?.volumeAttributesClassName == nil {
                errors.append(.forbidden(attributesPath, "update from non-nil value to nil is forbidden"))
            } else if spec?.volumeAttributesClassName == "" {
                errors.append(.forbidden(attributesPath, "update from non-nil value to an empty string is forbidden"))
            }
        }
        return errors
    }

    /// A claim created with only the beta class annotation may move the class into the spec.
    private static func upgradesClassFromAnnotation(_ oldAnnotations: [String: String], _ newAnnotations: [String: String],
                                                    _ oldClass: String?, _ newClass: String?) -> Bool {
        guard let annotated = oldAnnotations[StorageAnnotations.betaStorageClass], oldClass == nil, let newClass,
            newClass == annotated
        else { return false }
        return newAnnotations[StorageAnnotations.betaStorageClass].map { $0 == annotated } ?? true
    }

    /// A claim created without a class may be given one later (what makes a default class
    /// that appears afterwards apply to it).
    private static func upgradesClassFromNil(_ oldAnnotations: [String: String], _ oldClass: String?, _ newClass: String?) -> Bool {
        guard let newClass, oldClass == nil else { return false }
        return oldAnnotations[StorageAnnotations.betaStorageClass].map { $0 == newClass } ?? true
    }
}

extension PersistentVolumeClaimSpec {
    /// ValidatePersistentVolumeClaimSpec.
    func validate(field path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let modes = accessModes ?? []
        if modes.isEmpty {
            errors.append(.required(path.child("accessModes"), "at least 1 access mode is required"))
        }
        if let selector {
            errors += selector.validate(field: path.child("selector"))
        }
        errors += PersistentVolumeAccessMode.validate(modes, field: path.child("accessModes"))

        let storagePath = path.child("resources").key(ResourceName.storage)
        if let request = storageRequest {
            if request.mantissa <= 0 {
                errors.append(.invalid(storagePath, request.description, "must be greater than zero"))
            }
        } else {
            errors.append(.required(storagePath))
        }

        if let className = storageClassName, !className.isEmpty {
            errors += NameRules.dns1123Subdomain(className).map { FieldError.invalid(path.child("storageClassName"), className, $0) }
        }
        if let mode = volumeMode, !PersistentVolumeMode.supported.contains(mode) {
            errors.append(.notSupported(path.child("volumeMode"), mode, PersistentVolumeMode.supported))
        }
        if let dataSource {
            errors += Self.validateDataSource(apiGroup: dataSource.apiGroup, kind: dataSource.kind, name: dataSource.name,
                                              field: path.child("dataSource"))
        }
        if let reference = dataSourceRef {
            let referencePath = path.child("dataSourceRef")
            errors += Self.validateDataSource(apiGroup: reference.apiGroup, kind: reference.kind, name: reference.name, field: referencePath)
            if let namespace = reference.namespace, !namespace.isEmpty {
                errors += NameRules.dns1123Label(namespace).map { FieldError.invalid(referencePath.child("namespace"), namespace, $0) }
            }
        }
        if let reference = dataSourceRef, let namespace = reference.namespace, !namespace.isEmpty {
            if dataSource != nil {
                errors.append(.invalid(path, raw: path.child("dataSource").description,
                                       "may not be specified when dataSourceRef.namespace is specified"))
            }
        } else if let dataSource, let reference = dataSourceRef {
            if dataSource.apiGroup != reference.apiGroup || dataSource.kind != reference.kind || dataSource.name != reference.name {
                errors.append(.invalid(path, raw: path.child("dataSource").description, "must match dataSourceRef"))
            }
        }
        if let attributesClass = volumeAttributesClassName, !attributesClass.isEmpty {
            errors += NameRules.dns1123Subdomain(attributesClass).map {
                FieldError.invalid(path.child("volumeAttributesClassName"), attributesClass, $0)
            }
        }
        return errors
    }

    /// validateDataSource and the part of validateDataSourceRef they share.
    private static func validateDataSource(apiGroup: String?, kind: String, name: String, field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if name.isEmpty { errors.append(.required(field.child("name"))) }
        if kind.isEmpty { errors.append(.required(field.child("kind"))) }
        let group = apiGroup ?? ""
        if group.isEmpty, kind != "PersistentVolumeClaim" {
            errors.append(.invalid(field, kind, "must be 'PersistentVolumeClaim' when referencing the default apiGroup"))
        }
        if !group.isEmpty {
            errors += NameRules.dns1123Subdomain(group).map { FieldError.invalid(field.child("apiGroup"), group, $0) }
        }
        return errors
    }
}
