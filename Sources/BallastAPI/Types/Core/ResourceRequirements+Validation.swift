/// ValidateContainerResourceRequirements: resource names, quantities, and requests no
/// larger than limits.
extension ResourceRequirements {
    /// Resource names with no "/" that Kubernetes knows (helper.IsStandardResourceName).
    static let standardResourceNames: Set<String> = [
        "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage", "limits.cpu",
        "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
        "configmaps", "persistentvolumeclaims", "storage", "requests.storage", "services.nodeports", "services.loadbalancers",
    ]

    /// Validates a container's requirements at `path` ("spec.containers[0].resources").
    ///
    /// - Parameter claimNames: the names in the Pod's spec.resourceClaims.
    public func validateForContainer(at path: FieldPath, claimNames: Set<String> = []) -> [FieldError] {
        var errors: [FieldError] = []
        let limitsPath = path.child("limits")
        let requestsPath = path.child("requests")
        var limitsHaveComputeResource = false, requestsHaveComputeResource = false
        var hasHugePages = false
        for (name, quantity) in (limits ?? [:]).sorted(by: { $0.key < $1.key }) {
            let itemPath = limitsPath.key(name)
            errors += Self.validateName(name, at: itemPath)
            errors += Self.validateQuantity(quantity, name: name, at: itemPath)
            if name.hasPrefix("hugepages-") { hasHugePages = true }
            if name == ResourceName.cpu || name == ResourceName.memory { limitsHaveComputeResource = true }
        }
        for (name, quantity) in (requests ?? [:]).sorted(by: { $0.key < $1.key }) {
            let itemPath = requestsPath.key(name)
            errors += Self.validateName(name, at: itemPath)
            errors += Self.validateQuantity(quantity, name: name, at: itemPath)
            if let limit = limits?[name] {
                if quantity != limit, !Self.overcommitAllowed(name) {
                    errors.append(.invalid(requestsPath, quantity.description, "must be equal to \(name) limit of \(limit.description)"))
                } else if quantity > limit {
                    errors.append(.invalid(requestsPath, quantity.description, "must be less than or equal to \(name) limit of \(limit.description)"))
                }
            } else if !Self.overcommitAllowed(name) {
                errors.append(.required(limitsPath, "Limit must be set for non overcommitable resources"))
            }
            if name.hasPrefix("hugepages-") { hasHugePages = true }
            if name == ResourceName.cpu || name == ResourceName.memory { requestsHaveComputeResource = true }
        }
        if hasHugePages, !limitsHaveComputeResource, !requestsHaveComputeResource {
            errors.append(.forbidden(path, "HugePages require cpu or memory"))
        }
        var seen = Set<String>()
        for (index, claim) in (claims ?? []).enumerated() {
            let itemPath = path.child("claims").index(index)
            if claim.name.isEmpty {
                errors.append(.required(itemPath))
                continue
            }
            let key = claim.request.map { "\(claim.name)/\($0)" } ?? claim.name
            if !seen.insert(key).inserted { errors.append(.duplicate(itemPath, key)) }
            if !claimNames.contains(claim.name) {
                let detail = claimNames.isEmpty
                    ? "must be one of the names in pod.spec.resourceClaims which is empty"
                    : "must be one of the names in pod.spec.resourceClaims: " + claimNames.sorted().joined(separator: ", ")
                errors.append(FieldError(.notFound, itemPath, value: FieldError.quote(claim.name), detail: detail))
            }
        }
        return errors
    }

    /// validateContainerResourceName. Resource names are printed unquoted, as Go prints a
    /// ResourceName.
    static func validateName(_ name: String, at path: FieldPath) -> [FieldError] {
        var errors = NameRules.qualifiedName(name).map { FieldError.invalid(path, raw: name, $0) }
        guard errors.isEmpty else { return errors }
        if !name.contains("/") {
            if !isStandardResourceName(name) {
                errors.append(.invalid(path, raw: name, "must be a standard resource type or fully qualified"))
            }
            if !isStandardContainerResourceName(name) {
                errors.append(.invalid(path, raw: name, "must be a standard resource for containers"))
            }
        } else if !isNative(name) {
            let extended = NameRules.qualifiedName("requests." + name).isEmpty
            if !extended { errors.append(.invalid(path, raw: name, "doesn't follow extended resource name standard")) }
        }
        return errors
    }

    /// ValidateResourceQuantityValue: not negative; whole numbers for extended resources.
    static func validateQuantity(_ quantity: Quantity, name: String, at path: FieldPath) -> [FieldError] {
        var errors: [FieldError] = []
        if quantity < Quantity(0) { errors.append(.invalid(path, quantity.description, CoreRules.nonNegativeMessage)) }
        if isInteger(name), quantity.milliValue % 1000 != 0 {
            errors.append(.invalid(path, raw: quantity.description, "must be an integer"))
        }
        return errors
    }

    static func isStandardResourceName(_ name: String) -> Bool {
        standardResourceNames.contains(name) || name.hasPrefix("hugepages-") || name.hasPrefix("requests.hugepages-")
    }

    static func isStandardContainerResourceName(_ name: String) -> Bool {
        ["cpu", "memory", "ephemeral-storage"].contains(name) || name.hasPrefix("hugepages-")
    }

    /// Native resources have no domain or a kubernetes.io one.
    static func isNative(_ name: String) -> Bool { !name.contains("/") || name.contains("kubernetes.io/") }

    /// Extended resources (and hugepages) may not be overcommitted: request equals limit.
    static func overcommitAllowed(_ name: String) -> Bool { isNative(name) && !name.hasPrefix("hugepages-") }

    static func isInteger(_ name: String) -> Bool { !isNative(name) && !name.hasPrefix("requests.") }
}
