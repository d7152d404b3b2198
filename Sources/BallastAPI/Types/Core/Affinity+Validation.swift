/// validateAffinity, ValidateTolerations and validateTopologySpreadConstraints.
extension Affinity {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if let node = nodeAffinity {
            let nodePath = path.child("nodeAffinity")
            if let required = node.requiredDuringSchedulingIgnoredDuringExecution {
                let termsPath = nodePath.child("requiredDuringSchedulingIgnoredDuringExecution").child("nodeSelectorTerms")
                if required.nodeSelectorTerms.isEmpty {
                    errors.append(.required(termsPath, "must have at least one node selector term"))
                }
                for (index, term) in required.nodeSelectorTerms.enumerated() {
                    errors += Affinity.validate(term, checkValues: true, at: termsPath.index(index))
                }
            }
            for (index, preferred) in (node.preferredDuringSchedulingIgnoredDuringExecution ?? []).enumerated() {
                let itemPath = nodePath.child("preferredDuringSchedulingIgnoredDuringExecution").index(index)
                if preferred.weight <= 0 || preferred.weight > 100 {
                    errors.append(.invalid(itemPath.child("weight"), number: preferred.weight, "must be in the range 1-100"))
                }
                // Preferred terms may name label values that are invalid: they simply never match.
                errors += Affinity.validate(preferred.preference, checkValues: false, at: itemPath.child("preference"))
            }
        }
        for (terms, weighted, name) in [
            (podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, "podAffinity"),
            (podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, "podAntiAffinity"),
        ] {
            let termsPath = path.child(name)
            for (index, term) in (terms ?? []).enumerated() {
                errors += term.validate(at: termsPath.child("requiredDuringSchedulingIgnoredDuringExecution").index(index))
            }
            for (index, item) in (weighted ?? []).enumerated() {
                let itemPath = termsPath.child("preferredDuringSchedulingIgnoredDuringExecution").index(index)
                if item.weight <= 0 || item.weight > 100 {
                    errors.append(.invalid(itemPath.child("weight"), number: item.weight, "must be in the range 1-100"))
                }
                errors += item.podAffinityTerm.validate(at: itemPath.child("podAffinityTerm"))
            }
        }
        return errors
    }

    /// ValidateNodeSelectorTerm with upstream's messages.
    static func validate(_ term: NodeSelectorTerm, checkValues: Bool, at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, requirement) in (term.matchExpressions ?? []).enumerated() {
            let itemPath = path.child("matchExpressions").index(index)
            let values = requirement.values ?? []
            switch requirement.operator {
            case "In", "NotIn":
                if values.isEmpty { errors.append(.required(itemPath.child("values"), "must be specified when `operator` is 'In' or 'NotIn'")) }
            case "Exists", "DoesNotExist":
                if !values.isEmpty {
                    errors.append(.forbidden(itemPath.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"))
                }
            case "Gt", "Lt":
                if values.count != 1 {
                    errors.append(.required(itemPath.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"))
                }
            default:
                errors.append(.invalid(itemPath.child("operator"), requirement.operator, "not a valid selector operator"))
            }
            errors += CoreRules.qualifiedName(requirement.key, itemPath.child("key"))
            if checkValues {
                for (valueIndex, value) in values.enumerated() {
                    errors += NameRules.labelValue(value).map { FieldError.invalid(itemPath.child("values").index(valueIndex), value, $0) }
                }
            }
        }
        for (index, requirement) in (term.matchFields ?? []).enumerated() {
            let itemPath = path.child("matchFields").index(index)
            switch requirement.operator {
            case "In", "NotIn":
                if (requirement.values ?? []).count != 1 {
                    errors.append(.required(itemPath.child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"))
                }
            default:
                errors.append(.invalid(itemPath.child("operator"), requirement.operator, "not a valid selector operator"))
            }
            if requirement.key != "metadata.name" {
                errors.append(.invalid(itemPath.child("key"), requirement.key, "not a valid field selector key"))
            } else {
                for (valueIndex, value) in (requirement.values ?? []).enumerated() {
                    errors += CoreRules.dns1123Subdomain(value, itemPath.child("values").index(valueIndex))
                }
            }
        }
        return errors
    }
}

extension PodAffinityTerm {
    func validate(at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if let labelSelector { errors += labelSelector.validate(field: path.child("labelSelector")) }
        if let namespaceSelector { errors += namespaceSelector.validate(field: path.child("namespaceSelector")) }
        // Upstream names each bad namespace at "namespace", singular.
        for namespace in namespaces ?? [] { errors += CoreRules.dns1123Label(namespace, path.child("namespace")) }
        for (index, key) in (matchLabelKeys ?? []).enumerated() {
            errors += CoreRules.qualifiedName(key, path.child("matchLabelKeys").index(index))
        }
        for (index, key) in (mismatchLabelKeys ?? []).enumerated() {
            errors += CoreRules.qualifiedName(key, path.child("mismatchLabelKeys").index(index))
        }
        let mismatched = Set(mismatchLabelKeys ?? [])
        for (index, key) in (matchLabelKeys ?? []).enumerated() where mismatched.contains(key) {
            errors.append(.invalid(path.child("matchLabelKeys").index(index), key, "exists in both matchLabelKeys and mismatchLabelKeys"))
        }
        if topologyKey.isEmpty {
            errors.append(.required(path.child("topologyKey"), "can not be empty"))
        }
        errors += CoreRules.qualifiedName(topologyKey, path.child("topologyKey"))
        return errors
    }
}

extension Toleration {
    /// ValidateTolerations.
    public static func validate(_ tolerations: [Toleration], at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, toleration) in tolerations.enumerated() {
            let itemPath = path.index(index)
            let key = toleration.key ?? ""
            let op = toleration.operator ?? ""
            let value = toleration.value ?? ""
            let effect = toleration.effect ?? ""
            if !key.isEmpty { errors += CoreRules.qualifiedName(key, itemPath.child("key")) }
            if key.isEmpty, op != "Exists" {
                errors.append(.invalid(itemPath.child("operator"), op,
                                       "operator must be Exists when `key` is empty, which means \"match all values and all keys\""))
            }
            if toleration.tolerationSeconds != nil, effect != "NoExecute" {
                errors.append(.invalid(itemPath.child("effect"), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"))
            }
            switch op {
            case "Equal", "":
                let problems = NameRules.labelValue(value)
                if !problems.isEmpty { errors.append(.invalid(itemPath.child("operator"), value, problems.joined(separator: ";"))) }
            case "Exists":
                if !value.isEmpty { errors.append(.invalid(itemPath.child("operator"), value, "value must be empty when `operator` is 'Exists'")) }
            default:
                errors.append(.notSupported(itemPath.child("operator"), op, ["Equal", "Exists"]))
            }
            if !effect.isEmpty, !["NoSchedule", "PreferNoSchedule", "NoExecute"].contains(effect) {
                errors.append(.notSupported(itemPath.child("effect"), effect, ["NoSchedule", "PreferNoSchedule", "NoExecute"]))
            }
        }
        return errors
    }
}

extension TopologySpreadConstraint {
    static func validate(_ constraints: [TopologySpreadConstraint], at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        for (index, constraint) in constraints.enumerated() {
            let itemPath = path.index(index)
            if constraint.maxSkew <= 0 {
                errors.append(.invalid(itemPath.child("maxSkew"), number: constraint.maxSkew, "must be greater than zero"))
            }
            if constraint.topologyKey.isEmpty { errors.append(.required(itemPath.child("topologyKey"), "can not be empty")) }
            let action = constraint.whenUnsatisfiable
            if action != "DoNotSchedule", action != "ScheduleAnyway" {
                errors.append(.notSupported(itemPath.child("whenUnsatisfiable"), action, ["DoNotSchedule", "ScheduleAnyway"]))
            }
            if constraints[(index + 1)...].contains(where: { $0.topologyKey == constraint.topologyKey && $0.whenUnsatisfiable == action }) {
                errors.append(.duplicate(itemPath.child("{topologyKey, whenUnsatisfiable}"), "{\(constraint.topologyKey), \(action)}"))
            }
            if let minDomains = constraint.minDomains {
                if minDomains <= 0 { errors.append(.invalid(itemPath.child("minDomains"), number: minDomains, "must be greater than zero")) }
                if action != "DoNotSchedule" {
                    errors.append(.invalid(itemPath.child("minDomains"), number: minDomains,
                                           "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not \(action)"))
                }
            }
            for (field, policy) in [("nodeAffinityPolicy", constraint.nodeAffinityPolicy), ("nodeTaintsPolicy", constraint.nodeTaintsPolicy)] {
                if let policy, policy != "Honor", policy != "Ignore" {
                    errors.append(.notSupported(itemPath.child(field), policy, ["Honor", "Ignore"]))
                }
            }
            if !(constraint.matchLabelKeys ?? []).isEmpty, constraint.labelSelector == nil {
                errors.append(.forbidden(itemPath.child("matchLabelKeys"), "must not be specified when labelSelector is not set"))
            }
            if let selector = constraint.labelSelector { errors += selector.validate(field: itemPath.child("labelSelector")) }
        }
        return errors
    }
}
