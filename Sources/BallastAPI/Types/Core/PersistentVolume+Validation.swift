/// ValidatePersistentVolume and ValidatePersistentVolumeUpdate (pkg/apis/core/validation),
/// with the plugin check of pkg/volume/validation, for the sources Ballast serves.
extension PersistentVolume {
    public func validate() -> [FieldError] {
        var errors = (spec ?? PersistentVolumeSpec()).validate(field: FieldPath("spec"))
        // Only some volume types honour the deprecated mount-options annotation.
        if metadata.annotation(StorageAnnotations.betaMountOptions) != nil, spec?.nfs == nil {
            errors.append(.forbidden(
                FieldPath("metadata").child("annotations").child(StorageAnnotations.betaMountOptions),
                "may not specify mount options for this volume type"))
        }
        return errors
    }

    public func validateUpdate(old: PersistentVolume) -> [FieldError] {
        var errors = validate()
        var newSpec = spec ?? PersistentVolumeSpec()
        let oldSpec = old.spec ?? PersistentVolumeSpec()

        // A CSI volume may gain a controllerExpandSecretRef later (to allow expansion).
        if let oldCSI = oldSpec.csi, oldCSI.controllerExpandSecretRef == nil, newSpec.csi?.controllerExpandSecretRef != nil {
            newSpec.csi?.controllerExpandSecretRef = nil
        }
        if newSpec.volumeSource != oldSpec.volumeSource {
            let diff = PersistentVolumeDiff.render(
                type: "core.PersistentVolumeSource",
                fields: [.init("hostPath"), .init("nfs", go: "NFS"), .init("local"), .init("csi", go: "CSI")],
                old: oldSpec.volumeSource, new: newSpec.volumeSource)
            errors.append(.forbidden(FieldPath("spec").child("persistentvolumesource"),
                                     "spec.persistentvolumesource is immutable after creation\n\(diff)"))
        }
        // Kubernetes names these two without the "spec." prefix.
        if spec?.volumeMode != old.spec?.volumeMode {
            errors.append(.invalid(FieldPath("volumeMode"), spec?.volumeMode ?? "null", "field is immutable"))
        }
        if let oldAffinity = oldSpec.nodeAffinity, !Self.sameAffinity(spec?.nodeAffinity, oldAffinity) {
            let shown = spec?.nodeAffinity.map { APICodec.encodeValue($0).jsonString } ?? FieldError.quote("null")
            errors.append(.invalid(FieldPath("nodeAffinity"), raw: shown, "field is immutable, except for updating from beta label to GA"))
        }
        if oldSpec.volumeAttributesClassName != nil, spec?.volumeAttributesClassName == nil {
            errors.append(.forbidden(FieldPath("spec").child("volumeAttributesClassName"), "update from non-nil value to nil is forbidden"))
        }
        return errors
    }

    /// Node labels whose beta key a volume's node affinity may be moved to the GA key of.
    static let betaToGALabels = [
        "failure-domain.beta.kubernetes.io/zone": "topology.kubernetes.io/zone",
        "failure-domain.beta.kubernetes.io/region": "topology.kubernetes.io/region",
        "beta.kubernetes.io/os": "kubernetes.io/os",
        "beta.kubernetes.io/arch": "kubernetes.io/arch",
        "beta.kubernetes.io/instance-type": "node.kubernetes.io/instance-type",
    ]

    /// Equality of node affinities where a requirement may have moved from a beta label key
    /// to its GA key and nothing else.
    static func sameAffinity(_ new: VolumeNodeAffinity?, _ old: VolumeNodeAffinity) -> Bool {
        guard let new else { return false }
        switch (new.required, old.required) {
        case (nil, nil): return true
        case (let a?, let b?):
            guard a.nodeSelectorTerms.count == b.nodeSelectorTerms.count else { return false }
            return zip(a.nodeSelectorTerms, b.nodeSelectorTerms).allSatisfy { newTerm, oldTerm in
                sameRequirements(newTerm.matchExpressions, oldTerm.matchExpressions)
                    && sameRequirements(newTerm.matchFields, oldTerm.matchFields)
            }
        default: return false
        }
    }

    private static func sameRequirements(_ new: [NodeSelectorRequirement]?, _ old: [NodeSelectorRequirement]?) -> Bool {
        let new = new ?? [], old = old ?? []
        guard new.count == old.count else { return false }
        return zip(new, old).allSatisfy { newRequirement, oldRequirement in
            var old = oldRequirement
            if old.key != newRequirement.key, betaToGALabels[old.key] == newRequirement.key {
                old.key = newRequirement.key
            }
            return old == newRequirement
        }
    }
}

extension PersistentVolumeSpec {
    /// ValidatePersistentVolumeSpec for a PersistentVolume object (not an inline volume).
    func validate(field path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let modes = accessModes ?? []
        if modes.isEmpty {
            errors.append(.required(path.child("accessModes")))
        }
        errors += PersistentVolumeAccessMode.validate(modes, field: path.child("accessModes"))

        let capacity = self.capacity ?? [:]
        if capacity.isEmpty {
            errors.append(.required(path.child("capacity")))
        }
        if capacity[ResourceName.storage] == nil || capacity.count > 1 {
            errors.append(FieldError(.notSupported, path.child("capacity"), value: Self.resourceListText(self.capacity),
                                     detail: "supported values: \"storage\""))
        }
        for (name, quantity) in capacity.sorted(by: { $0.key < $1.key }) {
            let quantityPath = path.child("capacity").key(name)
            if quantity.value < 0 {
                errors.append(.invalid(quantityPath, number: quantity.value, "must be a valid resource quantity"))
            }
            if quantity.mantissa <= 0 {
                errors.append(.invalid(quantityPath, quantity.description, "must be greater than zero"))
            }
        }

        if let policy = persistentVolumeReclaimPolicy, !policy.isEmpty, !PersistentVolumeReclaimPolicy.supported.contains(policy) {
            errors.append(.notSupported(path.child("persistentVolumeReclaimPolicy"), policy, PersistentVolumeReclaimPolicy.supported))
        }

        if let affinity = nodeAffinity {
            if let required = affinity.required {
                errors += Self.validateNodeSelector(required, field: path.child("nodeAffinity").child("required"))
            } else {
                errors.append(.required(path.child("nodeAffinity").child("required"), "must specify required node constraints"))
            }
        }

        var count = 0
        func oneMore(_ name: String) -> Bool {
            if count > 0 {
                errors.append(.forbidden(path.child(name), "may not specify more than 1 volume type"))
                return false
            }
            count += 1
            return true
        }
        if let hostPath, oneMore("hostPath") {
            errors += Self.validate(hostPath, field: path.child("hostPath"))
        }
        if let nfs, oneMore("nfs") {
            errors += Self.validate(nfs, field: path.child("nfs"))
        }
        if let local, oneMore("local") {
            errors += Self.validate(local, field: path.child("local"))
            if nodeAffinity == nil {
                errors.append(.required(path.child("nodeAffinity"), "Local volume requires node affinity"))
            }
        }
        if let csi, oneMore("csi") {
            errors += Self.validate(csi, field: path.child("csi"))
        }
        if count == 0 {
            errors.append(.required(path, "must specify a volume type"))
        }

        if let hostPath, Self.cleanPath(hostPath.path) == "/", persistentVolumeReclaimPolicy == PersistentVolumeReclaimPolicy.recycle {
            errors.append(.forbidden(path.child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"))
        }
        if let className = storageClassName, !className.isEmpty {
            errors += NameRules.dns1123Subdomain(className).map { FieldError.invalid(path.child("storageClassName"), className, $0) }
        }
        if let mode = volumeMode, !PersistentVolumeMode.supported.contains(mode) {
            errors.append(.notSupported(path.child("volumeMode"), mode, PersistentVolumeMode.supported))
        }
        if let attributesClass = volumeAttributesClassName {
            if attributesClass.isEmpty {
                errors.append(.required(path.child("volumeAttributesClassName"), "an empty string is disallowed"))
            } else {
                errors += NameRules.dns1123Subdomain(attributesClass).map {
                    FieldError.invalid(path.child("volumeAttributesClassName"), attributesClass, $0)
                }
            }
            if csi == nil {
                errors.append(.required(path.child("csi"), "has to be specified when using volumeAttributesClassName"))
            }
        }
        return errors
    }

    /// How Go prints a ResourceList with %#v, near enough to recognise.
    static func resourceListText(_ list: [String: Quantity]?) -> String {
        guard let list else { return "core.ResourceList(nil)" }
        let members = list.sorted { $0.key < $1.key }.map { "\(FieldError.quote($0.key)):\(FieldError.quote($0.value.description))" }
        return "core.ResourceList{\(members.joined(separator: ", "))}"
    }

    private static func validate(_ source: HostPathVolumeSource, field: FieldPath) -> [FieldError] {
        if source.path.isEmpty { return [.required(field.child("path"))] }
        var errors = noBacksteps(source.path, field: field.child("path"))
        if let type = source.type, !HostPathVolumeSource.types.contains(type) {
            errors.append(.notSupported(field.child("type"), type, HostPathVolumeSource.types))
        }
        return errors
    }

    private static func validate(_ source: NFSVolumeSource, field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if source.server.isEmpty { errors.append(.required(field.child("server"))) }
        if source.path.isEmpty { errors.append(.required(field.child("path"))) }
        if !source.path.hasPrefix("/") {
            errors.append(.invalid(field.child("path"), source.path, "must be an absolute path"))
        }
        return errors
    }

    private static func validate(_ source: LocalVolumeSource, field: FieldPath) -> [FieldError] {
        if source.path.isEmpty { return [.required(field.child("path"))] }
        return noBacksteps(source.path, field: field.child("path"))
    }

    private static func validate(_ source: CSIPersistentVolumeSource, field: FieldPath) -> [FieldError] {
        var errors = validateCSIDriverName(source.driver, field: field.child("driver"))
        if source.volumeHandle.isEmpty { errors.append(.required(field.child("volumeHandle"))) }
        let references: [(String, SecretReference?)] = [
            ("controllerPublishSecretRef", source.controllerPublishSecretRef),
            ("controllerExpandSecretRef", source.controllerExpandSecretRef),
            ("nodePublishSecretRef", source.nodePublishSecretRef),
            ("nodeExpandSecretRef", source.nodeExpandSecretRef),
        ]
        for (name, reference) in references {
            guard let reference else { continue }
            let referencePath = field.child(name)
            let secretName = reference.name ?? "", secretNamespace = reference.namespace ?? ""
            if secretName.isEmpty {
                errors.append(.required(referencePath.child("name")))
            } else {
                errors += NameRules.dns1123Subdomain(secretName).map { FieldError.invalid(referencePath.child("name"), secretName, $0) }
            }
            if secretNamespace.isEmpty {
                errors.append(.required(referencePath.child("namespace")))
            } else {
                errors += NameRules.dns1123Label(secretNamespace).map {
                    FieldError.invalid(referencePath.child("namespace"), secretNamespace, $0)
                }
            }
        }
        return errors
    }

    /// ValidateCSIDriverName.
    static func validateCSIDriverName(_ driver: String, field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if driver.isEmpty { errors.append(.required(field)) }
        if driver.utf8.count > 63 { errors.append(.tooLong(field, max: 63)) }
        errors += NameRules.dns1123Subdomain(driver.lowercased()).map { FieldError.invalid(field, driver, $0) }
        return errors
    }

    /// validatePathNoBacksteps: no ".." element.
    static func noBacksteps(_ path: String, field: FieldPath) -> [FieldError] {
        path.split(separator: "/", omittingEmptySubsequences: false).contains("..")
            ? [.invalid(field, path, "must not contain '..'")] : []
    }

    /// Go's path.Clean, enough to tell whether a path is "/".
    static func cleanPath(_ path: String) -> String {
        guard !path.isEmpty else { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", rooted {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if rooted { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// ValidateNodeSelector, as a volume's required node affinity uses it.
    static func validateNodeSelector(_ selector: NodeSelector, field: FieldPath) -> [FieldError] {
        let termsPath = field.child("nodeSelectorTerms")
        guard !selector.nodeSelectorTerms.isEmpty else {
            return [.required(termsPath, "must have at least one node selector term")]
        }
        var errors: [FieldError] = []
        for (index, term) in selector.nodeSelectorTerms.enumerated() {
            let termPath = termsPath.index(index)
            for (position, requirement) in (term.matchExpressions ?? []).enumerated() {
                errors += requirement.validate(field: termPath.child("matchExpressions").index(position))
            }
            for (position, requirement) in (term.matchFields ?? []).enumerated() {
                errors += validateFieldRequirement(requirement, field: termPath.child("matchFields").index(position))
            }
        }
        return errors
    }

    /// ValidateNodeFieldSelectorRequirement: only metadata.name, with In or NotIn and one value.
    private static func validateFieldRequirement(_ requirement: NodeSelectorRequirement, field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        let values = requirement.values ?? []
        switch requirement.operator {
        case "In", "NotIn":
            if values.count != 1 {
                errors.append(.required(field.child("values"),
                                        "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
            }
        default:
            errors.append(.invalid(field.child("operator"), requirement.operator, "not a valid selector operator"))
        }
        if requirement.key != "metadata.name" {
            errors.append(.invalid(field.child("key"), requirement.key, "not a valid field selector key"))
        } else {
            for (index, value) in values.enumerated() {
                errors += NameRules.dns1123Subdomain(value).map { FieldError.invalid(field.child("values").index(index), value, $0) }
            }
        }
        return errors
    }
}
