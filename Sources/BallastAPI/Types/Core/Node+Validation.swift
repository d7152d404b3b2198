/// ValidateNode and ValidateNodeUpdate (pkg/apis/core/validation).
extension Node {
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        // Kubernetes reports taints under "metadata.taints", not "spec.taints".
        errors += Self.validateTaints(spec?.taints ?? [], field: FieldPath("metadata").child("taints"))
        errors += validateResources()
        let cidrs = spec?.podCIDRs ?? []
        if !cidrs.isEmpty {
            let path = FieldPath("spec").child("podCIDRs")
            for (index, cidr) in cidrs.enumerated() {
                errors += ServiceIPAddress.validateCIDR(cidr, field: path.index(index))
            }
            if cidrs.count > 1 {
                let families = cidrs.compactMap { ServiceIPAddress.parseCIDR($0)?.address.count }
                if cidrs.count > 2 || Set(families).count != 2 {
                    errors.append(.invalid(path, raw: Self.goStrings(cidrs), "may specify no more than one CIDR for each IP family"))
                }
                var seen: Set<String> = []
                for (index, cidr) in cidrs.enumerated() {
                    if seen.contains(cidr) { errors.append(.duplicate(path.index(index), cidr)) }
                    seen.insert(cidr)
                }
            }
        }
        return errors
    }

    /// The pod CIDRs and provider ID may be set once; taints and unschedulable may change.
    public func validateUpdate(old: Node) -> [FieldError] {
        var errors = validate()
        var seen: Set<NodeAddress> = []
        for (index, address) in (status?.addresses ?? []).enumerated() {
            if seen.contains(address) {
                errors.append(FieldError(.duplicate, FieldPath("status").child("addresses").index(index),
                                         value: "core.NodeAddress{Type:\(FieldError.quote(address.type)), Address:\(FieldError.quote(address.address))}"))
            }
            seen.insert(address)
        }
        let oldCIDRs = old.spec?.podCIDRs ?? []
        let newCIDRs = spec?.podCIDRs ?? []
        if !oldCIDRs.isEmpty {
            let message = "node updates may not change podCIDR except from \"\" to valid"
            if oldCIDRs.count != newCIDRs.count {
                errors.append(.forbidden(FieldPath("spec").child("podCIDRs"), message))
            } else {
                for (before, after) in zip(oldCIDRs, newCIDRs) where before != after {
                    errors.append(.forbidden(FieldPath("spec").child("podCIDRs"), message))
                }
            }
        }
        let oldProvider = old.spec?.providerID ?? ""
        if !oldProvider.isEmpty, oldProvider != (spec?.providerID ?? "") {
            errors.append(.forbidden(FieldPath("spec").child("providerID"), "node updates may not change providerID except from \"\" to valid"))
        }
        if (spec?.externalID ?? "") != (old.spec?.externalID ?? "") {
            errors.append(.forbidden(FieldPath("spec").child("externalID"), "may not be updated"))
        }
        return errors
    }

    /// The taint effects Kubernetes accepts, in the order its errors list them.
    public static let taintEffects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]

    /// validateNodeTaints: label-like keys and values, a known effect, and one taint per
    /// key and effect.
    static func validateTaints(_ taints: [Taint], field: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        var seen: [String: Set<String>] = [:]
        for (index, taint) in taints.enumerated() {
            let path = field.index(index)
            errors += NameRules.qualifiedName(taint.key).map { FieldError.invalid(path.child("key"), taint.key, $0) }
            let value = taint.value ?? ""
            let valueProblems = NameRules.labelValue(value)
            if !valueProblems.isEmpty {
                errors.append(.invalid(path.child("value"), value, valueProblems.joined(separator: ";")))
            }
            if taint.effect.isEmpty {
                errors.append(.required(path.child("effect")))
            } else if !taintEffects.contains(taint.effect) {
                errors.append(.notSupported(path.child("effect"), taint.effect, taintEffects))
            }
            if seen[taint.effect]?.contains(taint.key) ?? false {
                let shown = "core.Taint{Key:\(FieldError.quote(taint.key)), Value:\(FieldError.quote(value)), "
                    + "Effect:\(FieldError.quote(taint.effect)), TimeAdded:(*v1.Time)(nil)}"
                errors.append(FieldError(.duplicate, path, value: shown, detail: "taints must be unique by key and effect pair"))
                continue
            }
            seen[taint.effect, default: []].insert(taint.key)
        }
        return errors
    }

    /// ValidateNodeResources: quantities are not negative, and counted resources are whole.
    private func validateResources() -> [FieldError] {
        var errors: [FieldError] = []
        for (list, name) in [(status?.capacity, "capacity"), (status?.allocatable, "allocatable")] {
            for (resource, quantity) in (list ?? [:]).sorted(by: { $0.key < $1.key }) {
                let path = FieldPath("status").child(name).child(resource)
                if quantity.mantissa < 0 {
                    errors.append(.invalid(path, quantity.description, "must be greater than or equal to 0"))
                }
                if Self.isIntegerResource(resource), quantity.milliValue % 1000 != 0 {
                    errors.append(.invalid(path, raw: quantity.description, "must be an integer"))
                }
            }
        }
        return errors
    }

    /// helper.IsIntegerResourceName: object counts, and extended resources.
    static func isIntegerResource(_ name: String) -> Bool {
        let counted: Set<String> = [
            "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims",
            "services.nodeports", "services.loadbalancers",
        ]
        if counted.contains(name) { return true }
        let isNative = !name.contains("/") || name.contains("kubernetes.io/")
        return !isNative && !name.hasPrefix("requests.") && NameRules.qualifiedName(name).isEmpty
    }

    /// A []string as Go's %#v prints it.
    static func goStrings(_ values: [String]) -> String {
        "[]string{" + values.map { FieldError.quote($0) }.joined(separator: ", ") + "}"
    }
}
