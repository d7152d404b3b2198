public import Foundation

/// How the API server stores and serves StorageClasses (pkg/registry/storage/storageclass).
extension StorageClass: APIResource {
    public static let resource = ResourceInfo(
        gvk: gvk, plural: "storageclasses", singular: "storageclass", shortNames: ["sc"], namespaced: false)

    /// SetDefaults_StorageClass: reclaim policy Delete, binding mode Immediate.
    public mutating func applyDefaults() {
        if reclaimPolicy == nil { reclaimPolicy = PersistentVolumeReclaimPolicy.delete }
        if volumeBindingMode == nil { volumeBindingMode = VolumeBindingMode.immediate }
    }

    /// The reclaim policies a class may ask for: Recycle is for pre-provisioned volumes only.
    public static let supportedReclaimPolicies = [PersistentVolumeReclaimPolicy.delete, PersistentVolumeReclaimPolicy.retain]

    /// ValidateStorageClass (pkg/apis/storage/validation).
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        let provisionerPath = FieldPath("provisioner")
        if provisioner.isEmpty {
            errors.append(.required(provisionerPath))
        } else {
            errors += NameRules.qualifiedName(provisioner.lowercased()).map { FieldError.invalid(provisionerPath, provisioner, $0) }
        }
        errors += Self.validateParameters(parameters, field: FieldPath("parameters"))
        if let policy = reclaimPolicy, !policy.isEmpty, !Self.supportedReclaimPolicies.contains(policy) {
            errors.append(.notSupported(FieldPath("reclaimPolicy"), policy, Self.supportedReclaimPolicies))
        }
        if let mode = volumeBindingMode {
            if !VolumeBindingMode.supported.contains(mode) {
                errors.append(.notSupported(FieldPath("volumeBindingMode"), mode, VolumeBindingMode.supported))
            }
        } else {
            errors.append(.required(FieldPath("volumeBindingMode")))
        }
        errors += Self.validateAllowedTopologies(allowedTopologies ?? [], field: FieldPath("allowedTopologies"))
        return errors
    }

    /// Parameters, provisioner, reclaim policy and binding mode are fixed at creation.
    public func validateUpdate(old: StorageClass) -> [FieldError] {
        var errors = validate()
        if (parameters ?? [:]) != (old.parameters ?? [:]) {
            errors.append(.forbidden(FieldPath("parameters"), "updates to parameters are forbidden."))
        }
        if provisioner != old.provisioner {
            errors.append(.forbidden(FieldPath("provisioner"), "updates to provisioner are forbidden."))
        }
        if effectiveReclaimPolicy != old.effectiveReclaimPolicy {
            errors.append(.forbidden(FieldPath("reclaimPolicy"), "updates to reclaimPolicy are forbidden."))
        }
        if volumeBindingMode != old.volumeBindingMode {
            errors.append(.invalid(FieldPath("volumeBindingMode"), volumeBindingMode ?? "null", "field is immutable"))
        }
        return errors
    }

    /// At most 512 parameters, 256 KiB of keys and values together, no empty key.
    static func validateParameters(_ parameters: [String: String]?, field: FieldPath) -> [FieldError] {
        let parameters = parameters ?? [:]
        if parameters.count > 512 {
            return [.tooLong(field, max: 512)]
        }
        var errors: [FieldError] = []
        var total = 0
        for (key, value) in parameters.sorted(by: { $0.key < $1.key }) {
            if key.isEmpty { errors.append(.invalid(field, key, "field can not be empty.")) }
            total += key.utf8.count + value.utf8.count
        }
        if total > 256 * 1024 {
            errors.append(.tooLong(field, max: 256 * 1024))
        }
        return errors
    }

    /// validateAllowedTopologies: each term's keys are label names, each key appears once
    /// per term with at least one value and no repeated value, and no two terms are equal.
    static func validateAllowedTopologies(_ terms: [TopologySelectorTerm], field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var seen: [[String: Set<String>]] = []
        for (index, term) in terms.enumerated() {
            let termPath = field.index(index)
            let expressionsPath = termPath.child("matchLabelExpressions")
            var expressions: [String: Set<String>] = [:]
            for (position, requirement) in (term.matchLabelExpressions ?? []).enumerated() {
                let requirementPath = expressionsPath.index(position)
                let valuesPath = requirementPath.child("values")
                if requirement.values.isEmpty {
                    errors.append(.required(valuesPath))
                }
                var values: Set<String> = []
                for (valueIndex, value) in requirement.values.enumerated() {
                    if values.contains(value) { errors.append(.duplicate(valuesPath.index(valueIndex), value)) }
                    values.insert(value)
                }
                errors += NameRules.qualifiedName(requirement.key).map {
                    FieldError.invalid(requirementPath.child("key"), requirement.key, $0)
                }
                if expressions[requirement.key] != nil {
                    errors.append(.duplicate(requirementPath.child("key"), requirement.key))
                }
                expressions[requirement.key] = values
            }
            if seen.contains(expressions) {
                errors.append(.duplicate(expressionsPath, ""))
            }
            seen.append(expressions)
        }
        return errors
    }

    public static var tableColumns: [TableColumn] {
        [
            TableColumn("Provisioner", description: "provisioner indicates the type of the provisioner."),
            TableColumn("ReclaimPolicy", description: "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
            TableColumn("VolumeBindingMode", description: "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
            TableColumn("AllowVolumeExpansion", description: "allowVolumeExpansion shows whether the storage class allow volume expand."),
            TableColumn.age,
        ]
    }

    /// The default class shows as "name (default)".
    public func tableCells(now: Date) -> [JSONValue] {
        [
            .string(isDefault ? "\(name) (default)" : name),
            .string(provisioner),
            .string(effectiveReclaimPolicy),
            .string(effectiveVolumeBindingMode),
            .bool(allowVolumeExpansion ?? false),
            .string(HumanDuration.since(metadata.creationTimestamp, now: now)),
        ]
    }
}
